import path from 'node:path';
import { createTestDatabase } from './pg';
import { runSluice, startSluice, stopped, waitFor, type SluiceOutcome } from './processes';

/** A `sluice standalone` with its web server, as `npm start` runs it, on one of the two databases. */
export interface WebStack {
  readonly kind: 'postgres' | 'embedded';
  readonly url: string;
  readonly adminPassword: string;
  /** Another `sluice` command against the same database (on embedded: through the running server). */
  sluice(args: readonly string[], input?: string): Promise<SluiceOutcome>;
  output(): string;
  stop(): Promise<void>;
}

export const STACK_KINDS = ['postgres', 'embedded'] as const;

export async function startWebStack(
  kind: WebStack['kind'],
  label: string,
  project: { dir: string; dags: string },
  extraEnv: Record<string, string> = {},
): Promise<WebStack> {
  const db = kind === 'postgres' ? await createTestDatabase(label) : undefined;
  const env = {
    DATABASE_URL: db?.url ?? '',
    SLUICE_DAGS_FOLDER: project.dags,
    SLUICE_HOME: path.join(project.dir, `.sluice-${kind}`),
    SLUICE_WORKERS: '2',
    SLUICE_WEB_PORT: '0',
    SLUICE_SCHEDULER_TICK: '200ms',
    ...extraEnv,
  };
  const child = startSluice(['standalone'], env, project.dir);
  const login = await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`standalone exited:\n${child.output()}`);
      const url = /web UI and API at (http:\/\/\S+?) \(/.exec(child.output())?.[1];
      const pw = /login: admin \/ (\S+)/.exec(child.output())?.[1];
      return url && pw ? { url, pw } : undefined;
    },
    90_000,
    'the web server and the admin login',
  );
  return {
    kind,
    url: login.url,
    adminPassword: login.pw,
    sluice: (args, input) => runSluice(args, { cwd: project.dir, env, input, timeoutMs: 60_000 }),
    output: () => child.output(),
    async stop() {
      child.kill('SIGTERM');
      await stopped(child);
      await db?.drop();
    },
  };
}

/** A logged-in browser-less client: cookies kept, CSRF token read from the pages. */
export class WebClient {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly base: string) {}

  async request(
    method: string,
    url: string,
    opts: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string>; redirect?: boolean } = {},
  ): Promise<Response & { text_: string }> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(this.base + url, { method, headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    const text_ = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text_)?.[1];
    if (token && !url.startsWith('/login')) this.csrf = token;
    return Object.assign(res, { text_ });
  }

  get(url: string) {
    return this.request('GET', url);
  }

  async login(username: string, password: string): Promise<Response & { text_: string }> {
    const page = await this.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text_)![1];
    const res = await this.request('POST', '/login', { form: { _csrf: token, username, password, next: '/dags' } });
    if (res.status === 303) await this.get('/dags'); // picks up the session's CSRF token
    return res;
  }
}

/** A new API token of `username` (`sluice users tokens create`). */
export async function apiToken(stack: WebStack, username: string): Promise<string> {
  const t = await stack.sluice(['users', 'tokens', 'create', username, 'tests']);
  const token = t.stdout.trim().split('\n').at(-1) ?? '';
  if (!token.startsWith('sluice_')) throw new Error(`no token for ${username}: ${t.stdout}${t.stderr}`);
  return token;
}

/** Adds a user with this role and password through the CLI; returns an API token of theirs. */
export async function addUser(stack: WebStack, username: string, role: string, password: string): Promise<string> {
  const made = await stack.sluice(['users', 'create', username, '--role', role, '--password-stdin'], `${password}\n`);
  if (!made.stdout.includes(`created user ${username} (${role})`))
    throw new Error(`users create ${username}: ${made.stdout}${made.stderr}`);
  return apiToken(stack, username);
}
