/**
 * Child process of the HTTP scenario: a loopback payments API serving `LOAD_API_RECORDS`
 * deterministic records, `GET /v1/payments?limit=<page size>&cursor=…` → `{ data, next_cursor }`.
 * Its own process, so serving does not share the measured client's event loop, and every page is
 * rendered to JSON once at start-up, so a request costs the server little more than a write.
 * (The demo's payments API caps `limit` at 200 and regenerates the whole day on every request.)
 * Reports `{ url }` over IPC when it listens.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { prng } from '../../dags/lib/shop/random'; // the demo's generator PRNG: same seeds, same data

const METHODS = ['card', 'card', 'card', 'paypal', 'bank_transfer', 'gift_card'];
const CHANNELS = ['web', 'ios', 'android', 'pos'];

/** One payment as a provider would send it: numbers, a decimal string, a boolean, a nested object, nulls. */
function payment(i: number, rand: () => number): Record<string, unknown> {
  const amount = 5 + rand() * 495;
  const card = rand() < 0.6;
  return {
    payment_id: `pay_${(1_000_000 + i).toString(36)}`,
    order_id: `o-20260101-${String(i).padStart(6, '0')}`,
    customer_id: 100_000 + Math.floor(rand() * 900_000),
    method: METHODS[Math.floor(rand() * METHODS.length)],
    amount: amount.toFixed(2),
    fee: Math.round(amount * 2.9 + 30) / 100,
    currency: 'EUR',
    captured: rand() >= 0.03,
    card_last4: card ? String(Math.floor(rand() * 10_000)).padStart(4, '0') : null,
    paid_at: new Date(Date.parse('2026-01-01T00:00:00Z') + Math.floor(rand() * 86_400_000)).toISOString(),
    metadata: { channel: CHANNELS[Math.floor(rand() * CHANNELS.length)], attempt: 1 + Math.floor(rand() * 3) },
  };
}

const records = Number(process.env.LOAD_API_RECORDS);
const pageSize = Number(process.env.LOAD_API_PAGE_SIZE);
const rand = prng(20260101);
const all = Array.from({ length: records }, (_, i) => payment(i + 1, rand));
const cursorOf = (offset: number) => Buffer.from(String(offset)).toString('base64url');
const pages = new Map<number, Buffer>();
for (let off = 0; off < records; off += pageSize) {
  const next = off + pageSize < records ? cursorOf(off + pageSize) : null;
  pages.set(off, Buffer.from(JSON.stringify({ data: all.slice(off, off + pageSize), next_cursor: next })));
}

const server = http.createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://localhost');
  const send = (status: number, body: Buffer) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  const cursor = u.searchParams.get('cursor');
  const page = pages.get(cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0);
  if (u.pathname !== '/v1/payments' || Number(u.searchParams.get('limit')) !== pageSize || !page) {
    return send(
      400,
      Buffer.from(JSON.stringify({ error: `this server serves /v1/payments?limit=${pageSize}&cursor=… only` })),
    );
  }
  send(200, page);
});
server.listen(0, '127.0.0.1', () => {
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/payments` });
});
// The parent going away ends the server too.
process.on('disconnect', () => process.exit(0));
