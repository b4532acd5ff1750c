import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { paymentsFor } from './generate';

/**
 * The demo's payments provider: a JSON API on loopback with cursor pagination
 * (`GET /v1/payments?date=YYYY-MM-DD&limit=50&cursor=…` → `{ data: [...], next_cursor }`) that
 * wants a bearer token. It runs inside the worker process that fetches from it, started on first
 * use; a real deployment points the operator at the provider's URL instead.
 */
let running: Promise<{ url: string }> | undefined;

export function paymentsApi(opts: { token: string; scale: number }): Promise<{ url: string }> {
  running ??= new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${opts.token}`)
        return send(401, { error: 'missing or wrong bearer token' });
      if (u.pathname !== '/v1/payments') return send(404, { error: `no route ${u.pathname}` });
      const date = u.searchParams.get('date') ?? '';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return send(400, { error: 'date=YYYY-MM-DD is required' });
      const limit = Math.min(200, Number(u.searchParams.get('limit') ?? 50));
      const offset = Number(Buffer.from(u.searchParams.get('cursor') ?? '', 'base64url').toString() || 0);
      const all = paymentsFor(date, Number(u.searchParams.get('scale') ?? opts.scale));
      const data = all.slice(offset, offset + limit);
      const next = offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64url') : null;
      send(200, { data, next_cursor: next });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.unref(); // the worker process may exit while it listens
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/payments` });
    });
  });
  return running;
}
