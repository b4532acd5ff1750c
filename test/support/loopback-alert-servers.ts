/**
 * Stand-ins for the services alerts go to, on 127.0.0.1 with a free port, for tests to point channels at:
 *
 * - `startSlackApi()`: Slack's Web API (point `SlackSettings.apiUrl` at `.url`). Records each call with
 *   its form body parsed (`blocks` arrives JSON-encoded, as the client sends it) and answers
 *   `{ok:true, channel, ts}` unless told otherwise with `reply(...)`.
 * - `startWebhookServer()`: Slack incoming webhooks at any path (`.url + '/services/T1/B2/secret'`).
 *   Records JSON bodies, answers `ok` unless told otherwise.
 * - `startSmtpServer(options)`: an SMTP server (smtp-server) with optional STARTTLS and AUTH PLAIN/LOGIN,
 *   keeping every message it accepts, parsed (`parseMail`), and scriptable replies per recipient.
 * - `selfSignedCert()`: a key and certificate for 127.0.0.1 and localhost, for the STARTTLS option (write
 *   the certificate to a file for `EmailSettings.caFile`).
 *
 * Each `start…` resolves once the server listens; `close()` ends it and any connection left open.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

// ---------------------------------------------------------------------------------------------------
// HTTP: the Slack Web API and incoming webhooks

export interface RecordedRequest {
  readonly method: string;
  /** The path and query ("/api/chat.postMessage"). */
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** When it arrived (Date.now()). */
  readonly at: number;
}

/** A Web API call: the method ("chat.postMessage") and the form fields. */
export interface SlackCall extends RecordedRequest {
  readonly apiMethod: string;
  readonly form: Readonly<Record<string, string>>;
  /** `form.blocks` parsed, when present. */
  readonly blocks?: any[];
}

export interface WebhookPost extends RecordedRequest {
  readonly json: any;
}

/** How to answer one request: a status (200), headers, a body (an object is sent as JSON); or hang, never answering. */
export type Reply =
  { readonly status?: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: unknown } | 'hang';

interface HttpStandIn<R extends RecordedRequest> {
  /** The base URL: `http://127.0.0.1:<port>` plus, for the Web API, `/api/`. */
  readonly url: string;
  readonly requests: R[];
  /** Answers the next requests with these, in order; later ones get the default answer again. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

export type SlackApiStandIn = HttpStandIn<SlackCall>;
export type WebhookStandIn = HttpStandIn<WebhookPost>;

async function startHttp<R extends RecordedRequest>(
  base: string,
  record: (r: RecordedRequest) => R,
  answer: (r: R) => Exclude<Reply, 'hang'>,
): Promise<HttpStandIn<R>> {
  const requests: R[] = [];
  const queue: Reply[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = record({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      requests.push(r);
      const reply = queue.shift() ?? answer(r);
      if (reply === 'hang') return;
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    requests,
    reply: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Slack's Web API. chat.postMessage answers `{ok: true, channel: 'C' + the name without '#', ts}`. */
export function startSlackApi(): Promise<SlackApiStandIn> {
  let ts = 0;
  return startHttp<SlackCall>(
    '/api/',
    (r) => {
      const form = Object.fromEntries(new URLSearchParams(r.body));
      return {
        ...r,
        apiMethod: r.path.replace(/^\/api\//, '').split('?')[0],
        form,
        blocks: form.blocks ? JSON.parse(form.blocks) : undefined,
      };
    },
    (call) =>
      call.apiMethod === 'chat.postMessage'
        ? {
            body: {
              ok: true,
              channel: `C${(call.form.channel ?? '').replace(/^#/, '').toUpperCase()}`,
              ts: `1700000000.${String(++ts).padStart(6, '0')}`,
            },
          }
        : { body: { ok: false, error: 'unknown_method' } },
  );
}

/** Slack incoming webhooks at any path; answers `ok` as Slack does. */
export function startWebhookServer(): Promise<WebhookStandIn> {
  return startHttp<WebhookPost>(
    '',
    (r) => ({ ...r, json: r.body ? JSON.parse(r.body) : undefined }),
    () => ({ body: 'ok' }),
  );
}

// ---------------------------------------------------------------------------------------------------
// SMTP

export interface SmtpStandInOptions {
  /** Offer STARTTLS with this key and certificate; without it the server speaks plain SMTP only. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /**
   * Require AUTH (PLAIN or LOGIN) with these credentials. A wrong login is answered 535 with the
   * password it was given in the text, as careless servers do, so tests can check it is masked.
   */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** The reply to RCPT TO for an address (`{code: 550, message: 'No such user'}`), or undefined to accept it. */
  readonly rcpt?: (address: string) => { readonly code: number; readonly message: string } | undefined;
  /** Listen on this port (a server that comes back where it was); default any free one. */
  readonly port?: number;
}

export interface ReceivedMail {
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** Whether the session was under TLS (after STARTTLS) when the message came. */
  readonly secure: boolean;
  /** The user the session logged in as, if it did. */
  readonly user?: string;
  readonly raw: string;
  readonly mail: ParsedMail;
}

export interface SmtpStandIn {
  readonly port: number;
  readonly messages: ReceivedMail[];
  /** `smtp://[user:pass@]127.0.0.1:<port>`. */
  url(login?: { readonly user: string; readonly pass: string }): string;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startSmtpServer(options: SmtpStandInOptions = {}): Promise<SmtpStandIn> {
  const messages: ReceivedMail[] = [];
  const config: SMTPServerOptions = {
    logger: false,
    disableReverseLookup: true,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    authOptional: !options.auth,
    allowInsecureAuth: !options.tls,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      if (ok) return callback(null, { user: auth.username });
      callback(smtpError(535, `Authentication failed for ${auth.username} with password ${auth.password}`));
    },
    onRcptTo(address, _session, callback) {
      const reply = options.rcpt?.(address.address);
      callback(reply ? smtpError(reply.code, reply.message) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        messages.push({
          envelope: { from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
          secure: session.secure,
          user: session.user as string | undefined,
          raw,
          mail: parseMail(raw),
        });
        callback(null, 'Message queued as stand-in');
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const enc = encodeURIComponent;
  return {
    port,
    messages,
    url: (login) => `smtp://${login ? `${enc(login.user)}:${enc(login.pass)}@` : ''}127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A key and a self-signed certificate for 127.0.0.1 and localhost. */
export async function selfSignedCert(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

// ---------------------------------------------------------------------------------------------------
// A minimal MIME reader (mailparser is not installed): enough for what nodemailer writes.

export interface ParsedMail {
  /** Header values by lower-case name, unfolded, encoded words decoded. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g, (_all, charset: string, enc: string, data) => {
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          );
    return new TextDecoder(charset).decode(bytes);
  });
}

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at < 0 ? raw : raw.slice(0, at);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body: at < 0 ? '' : raw.slice(at + 4) };
}

function decodeBody(body: string, encoding: string | undefined): string {
  const e = (encoding ?? '7bit').toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** The headers and the text and HTML parts of a message (single part or multipart/*, nested). */
export function parseMail(raw: string): ParsedMail {
  const parts: { type: string; content: string }[] = [];
  const walk = (entity: string): Map<string, string> => {
    const { headers, body } = splitHead(entity);
    const type = headers.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (type.toLowerCase().startsWith('multipart/') && boundary) {
      const sections = body.split(`--${boundary}`).slice(1);
      for (const s of sections) if (!s.startsWith('--')) walk(s.replace(/^\r\n/, ''));
    } else {
      parts.push({
        type: type.split(';')[0].trim().toLowerCase(),
        content: decodeBody(body, headers.get('content-transfer-encoding')),
      });
    }
    return headers;
  };
  const headers = walk(raw);
  const find = (t: string) => parts.find((p) => p.type === t)?.content.replace(/\r\n$/, '');
  return { headers, subject: headers.get('subject') ?? '', text: find('text/plain'), html: find('text/html') };
}
