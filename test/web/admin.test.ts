import { callApi, openApiChecker } from '../support/api-check';
import { dagFile, tempProject } from '../support/sandbox';
import { STACK_KINDS, startWebStack, WebClient, type WebStack } from '../support/web-stack';
import { ROUTES } from '../../src/web/api/routes';

const HOSTILE = `<script>alert("x")</script> & 'q'`;

const p = tempProject();
p.write(
  'tiny.ts',
  dagFile(
    `export const tiny = defineDag({ id: 'tiny', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
  ),
);
afterAll(() => p.cleanup());

describe.each(STACK_KINDS)('admin pages and API on %s', (kind) => {
  let stack: WebStack;
  let admin: WebClient;
  const tokens: Record<string, string> = {};
  const passwords: Record<string, string> = { viewer: 'viewer-pass-1', op: 'op-pass-12' };
  let conforms: ReturnType<typeof openApiChecker>;
  const api = (token: string | undefined, method: string, url: string, json?: unknown) =>
    callApi(stack.url, token, method, url, json);
  const loggedIn = async (username: string, password: string) => {
    const c = new WebClient(stack.url);
    expect((await c.login(username, password)).status).toBe(303);
    return c;
  };
  /** The message a redirect-after-POST left for the next page. */
  const flashOf = async (c: WebClient, url: string) =>
    /class="banner ok" role="status">([^<]*)</.exec((await c.get(url)).text_)?.[1];
  const secretOn = (html: string) => /class="secret" readonly value="([^"]+)"/.exec(html)?.[1];

  beforeAll(async () => {
    stack = await startWebStack(kind, `admin_${kind}`, p);
    for (const [name, role] of [
      ['viewer', 'Viewer'],
      ['op', 'Op'],
    ]) {
      await stack.sluice(['users', 'create', name, '--role', role, '--password-stdin'], `${passwords[name]}\n`);
      tokens[name] = (await stack.sluice(['users', 'tokens', 'create', name, 'tests'])).stdout
        .trim()
        .split('\n')
        .at(-1)!;
    }
    tokens.admin = (await stack.sluice(['users', 'tokens', 'create', 'admin', 'tests'])).stdout
      .trim()
      .split('\n')
      .at(-1)!;
    admin = await loggedIn('admin', stack.adminPassword);
    conforms = openApiChecker((await api(tokens.viewer, 'GET', '/openapi.json')).body);
  }, 180_000);
  afterAll(async () => stack?.stop(), 60_000);

  test('the role matrix: anonymous 401 or the login, Viewer and Op 403, Admin allowed', async () => {
    const adminRoutes = ROUTES.filter((r) => r.permission === 'admin');
    expect(adminRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'delete /tokens/{token_id}',
      'delete /users/{username}',
      'get /users',
      'get /users/{username}',
      'get /users/{username}/tokens',
      'patch /users/{username}',
      'post /alerts/test',
      'post /users',
      'post /users/{username}/tokens',
    ]);
    for (const r of adminRoutes) {
      const url = r.path.replace('{username}', 'viewer').replace('{token_id}', '1');
      const body = r.method === 'get' || r.method === 'delete' ? undefined : {};
      const anon = await api(undefined, r.method.toUpperCase(), url, body);
      expect([r.path, anon.status, anon.body.error?.code]).toEqual([r.path, 401, 'UNAUTHENTICATED']);
      for (const who of ['viewer', 'op']) {
        const res = await api(tokens[who], r.method.toUpperCase(), url, body);
        expect([r.path, who, res.status]).toEqual([r.path, who, 403]);
        expect(res.body.error.message).toMatch(/this needs the Admin role/);
        conforms(r.method, r.path, 403, res.body);
      }
    }
    const list = await api(tokens.admin, 'GET', '/users');
    expect(list.status).toBe(200);
    conforms('get', '/users', 200, list.body);
    expect(list.body.items.map((u: { username: string }) => u.username)).toEqual(['admin', 'op', 'viewer']);

    const pages = ['/admin', '/admin/users', '/admin/tokens', '/admin/users/viewer/delete'];
    for (const url of pages) {
      const anon = await fetch(`${stack.url}${url}`, { redirect: 'manual' });
      expect([url, anon.status, anon.headers.get('location')]).toEqual([
        url,
        302,
        `/login?next=${encodeURIComponent(url)}`,
      ]);
    }
    const viewer = await loggedIn('viewer', passwords.viewer);
    const op = await loggedIn('op', passwords.op);
    for (const c of [viewer, op]) {
      for (const url of pages) expect([url, (await c.get(url)).status]).toEqual([url, 403]);
      expect((await c.get('/dags')).text_).not.toContain('href="/admin/users"');
      // A valid session and CSRF token, but not an Admin: every admin form is refused.
      for (const url of ['/admin/users', '/admin/users/viewer/role', '/admin/users/viewer/delete', '/admin/tokens'])
        expect(
          (await c.request('POST', url, { form: { _csrf: c.csrf, username: 'x1', role: 'Admin', name: 'n' } })).status,
        ).toBe(403);
    }
    expect((await api(tokens.admin, 'GET', '/users/viewer')).body.role).toBe('Viewer');
    expect((await admin.get('/admin')).headers.get('location')).toBe('/admin/users');
    const users = await admin.get('/admin/users');
    expect(users.status).toBe(200);
    expect(users.text_).toContain('href="/admin/users">Admin</a>');
    expect(users.text_).toContain('admin <small class="muted">(you)</small>');
  }, 120_000);

  test('admin forms need the CSRF token and this origin', async () => {
    const noToken = await admin.request('POST', '/admin/users', { form: { username: 'csrf1', role: 'Admin' } });
    expect(noToken.status).toBe(403);
    expect(noToken.text_).toContain('CSRF token');
    const wrong = await admin.request('POST', '/admin/users', {
      form: { _csrf: 'forged', username: 'csrf1', role: 'Admin' },
    });
    expect(wrong.status).toBe(403);
    const otherSite = await admin.request('POST', '/admin/users', {
      form: { _csrf: admin.csrf, username: 'csrf1', role: 'Admin' },
      headers: { origin: 'http://evil.example' },
    });
    expect(otherSite.status).toBe(403);
    for (const url of [
      '/admin/users/op/delete',
      '/admin/users/op/role',
      '/admin/users/op/password',
      '/admin/tokens/1/revoke',
    ])
      expect([url, (await admin.request('POST', url, { form: { role: 'Viewer' } })).status]).toEqual([url, 403]);
    expect((await api(tokens.admin, 'GET', '/users/csrf1')).status).toBe(404);
    expect((await api(tokens.admin, 'GET', '/users/op')).body.role).toBe('Op');
  });

  test('pages: create, change role, reset password, delete; the user loses access at the next request', async () => {
    // A given password: redirect-after-POST, the message shown once.
    const made = await admin.request('POST', '/admin/users', {
      form: { _csrf: admin.csrf, username: 'ana', role: 'Admin', password: 'ana-pass-123' },
    });
    expect([made.status, made.headers.get('location')]).toEqual([303, '/admin/users']);
    expect(await flashOf(admin, '/admin/users')).toBe('created user ana (Admin)');
    expect(await flashOf(admin, '/admin/users')).toBeUndefined();
    // A generated password: shown on the POST's own response, not in any URL.
    const gen = await admin.request('POST', '/admin/users', {
      form: { _csrf: admin.csrf, username: 'bo', role: 'Op' },
    });
    expect(gen.status).toBe(200);
    expect(gen.headers.get('location')).toBeNull();
    expect(gen.headers.get('cache-control')).toBe('no-store');
    const boPassword = secretOn(gen.text_)!;
    expect(boPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(gen.text_).toContain('shown this once');
    expect((await admin.get('/admin/users')).text_).not.toContain(boPassword);
    const bo = await loggedIn('bo', boPassword);
    // Mistakes are shown on the list, with the status of the error.
    const taken = await admin.request('POST', '/admin/users', {
      form: { _csrf: admin.csrf, username: 'bo', role: 'Op' },
    });
    expect(taken.status).toBe(409);
    expect(taken.text_).toContain('user &quot;bo&quot; exists already');
    const short = await admin.request('POST', '/admin/users', {
      form: { _csrf: admin.csrf, username: 'cy', role: 'Op', password: 'short' },
    });
    expect([short.status, short.text_.includes('a password needs at least 8 characters')]).toEqual([400, true]);

    // ana (Admin) has a session; lowered to Viewer, her very next request is refused the admin pages.
    const ana = await loggedIn('ana', 'ana-pass-123');
    expect((await ana.get('/admin/users')).status).toBe(200);
    const lowered = await admin.request('POST', '/admin/users/ana/role', {
      form: { _csrf: admin.csrf, role: 'Viewer' },
    });
    expect(lowered.status).toBe(303);
    expect(await flashOf(admin, '/admin/users')).toBe('ana is now Viewer');
    expect((await ana.get('/admin/users')).status).toBe(403);
    expect((await ana.get('/dags')).status).toBe(200);
    expect((await ana.get('/dags')).text_).not.toContain('href="/admin/users"');

    // A reset ends the user's sessions; a generated one is shown once.
    const reset = await admin.request('POST', '/admin/users/bo/password', {
      form: { _csrf: admin.csrf, password: '' },
    });
    expect(reset.status).toBe(200);
    const boNew = secretOn(reset.text_)!;
    expect(boNew).not.toBe(boPassword);
    expect((await bo.get('/dags')).status).toBe(302);
    expect((await new WebClient(stack.url).login('bo', boPassword)).status).toBe(401);
    const bo2 = await loggedIn('bo', boNew);
    const given = await admin.request('POST', '/admin/users/ana/password', {
      form: { _csrf: admin.csrf, password: 'ana-pass-456' },
    });
    expect(given.status).toBe(303);
    expect(await flashOf(admin, '/admin/users')).toBe('new password set for ana; their sessions ended');
    expect((await ana.get('/dags')).status).toBe(302);

    // Delete: a confirmation page first; then the user's session and tokens stop working.
    const boToken = (await api(tokens.admin, 'POST', '/users/bo/tokens', { name: 'bo-script' })).body.token as string;
    expect((await api(boToken, 'GET', '/dags')).status).toBe(200);
    const confirm = await admin.get('/admin/users/bo/delete');
    expect(confirm.status).toBe(200);
    expect(confirm.text_).toContain('their 1 API token(s) stop working');
    expect(confirm.text_).toContain('action="/admin/users/bo/delete"');
    const deleted = await admin.request('POST', '/admin/users/bo/delete', { form: { _csrf: admin.csrf } });
    expect(deleted.status).toBe(303);
    expect(await flashOf(admin, '/admin/users')).toBe('deleted user bo with their sessions and tokens');
    expect((await bo2.get('/dags')).status).toBe(302);
    expect((await api(boToken, 'GET', '/dags')).status).toBe(401);
    expect((await admin.get('/admin/users/bo/delete')).status).toBe(404);

    // Not yourself, and never the last Admin (the CLI calls the same action).
    const self = await admin.request('POST', '/admin/users/admin/delete', { form: { _csrf: admin.csrf } });
    expect(self.status).toBe(409);
    expect(self.text_).toContain('admin cannot delete their own account: ask another Admin');
    expect((await admin.get('/admin/users/admin/delete')).text_).toContain('You cannot delete your own account');
    const demote = await admin.request('POST', '/admin/users/admin/role', { form: { _csrf: admin.csrf, role: 'Op' } });
    expect(demote.status).toBe(409);
    expect(demote.text_).toContain('admin is the last Admin: making them Op would leave nobody to manage users');
    const cli = await stack.sluice(['users', 'delete', 'admin']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('admin is the last Admin: deleting them would leave nobody to manage users');
    expect((await stack.sluice(['users', 'reset-password', 'admin', '--role', 'Viewer'])).stderr).toContain(
      'admin is the last Admin',
    );
    expect((await api(tokens.admin, 'GET', '/users/admin')).body.role).toBe('Admin');
    // With a second Admin, one may delete the other.
    await admin.request('POST', '/admin/users/ana/role', { form: { _csrf: admin.csrf, role: 'Admin' } });
    const ana2 = await loggedIn('ana', 'ana-pass-456');
    await ana2.get('/admin/users');
    const byAna = await ana2.request('POST', '/admin/users/ana/delete', { form: { _csrf: ana2.csrf } });
    expect(byAna.status).toBe(409);
    expect((await admin.request('POST', '/admin/users/ana/delete', { form: { _csrf: admin.csrf } })).status).toBe(303);
    expect((await ana2.get('/admin/users')).status).toBe(302);
  }, 120_000);

  test('tokens page: make a token for a user (shown once), it works, revoke it and it stops', async () => {
    const made = await admin.request('POST', '/admin/tokens', {
      form: { _csrf: admin.csrf, username: 'op', name: 'deploy bot', expires_in_days: '30' },
    });
    expect(made.status).toBe(200);
    const token = secretOn(made.text_)!;
    expect(token).toMatch(/^sluice_/);
    expect(made.text_).toContain('Copy it now');
    const used = await api(token, 'GET', '/dags');
    expect(used.status).toBe(200);
    expect((await api(token, 'POST', '/dags/tiny/runs', {})).status).toBe(201); // an Op's token acts as an Op
    expect((await api(token, 'GET', '/users')).status).toBe(403);
    const list = await admin.get('/admin/tokens');
    expect(list.text_).toContain('deploy bot');
    expect(list.text_).not.toContain(token);
    expect(list.text_).not.toContain(token.slice('sluice_'.length, 20));
    const row = (await api(tokens.admin, 'GET', '/users/op/tokens')).body.items.find(
      (t: { name: string }) => t.name === 'deploy bot',
    );
    expect(row).toMatchObject({ username: 'op', last_used_at: expect.any(String), expires_at: expect.any(String) });
    const dup = await admin.request('POST', '/admin/tokens', {
      form: { _csrf: admin.csrf, username: 'op', name: 'deploy bot' },
    });
    expect(dup.status).toBe(409);
    expect(dup.text_).toContain('user &quot;op&quot; has a token named &quot;deploy bot&quot; already');
    const revoked = await admin.request('POST', `/admin/tokens/${row.id}/revoke`, { form: { _csrf: admin.csrf } });
    expect([revoked.status, revoked.headers.get('location')]).toEqual([303, '/admin/tokens']);
    expect(await flashOf(admin, '/admin/tokens')).toBe('revoked token deploy bot of op');
    expect((await api(token, 'GET', '/dags')).status).toBe(401);
    expect(
      (await admin.request('POST', `/admin/tokens/${row.id}/revoke`, { form: { _csrf: admin.csrf } })).status,
    ).toBe(404);
  }, 60_000);

  test('the API: users and tokens, paginated and filtered, as documented', async () => {
    const made = await api(tokens.admin, 'POST', '/users', { username: 'dee', role: 'Viewer' });
    expect(made.status).toBe(201);
    conforms('post', '/users', 201, made.body);
    expect(made.body).toMatchObject({ username: 'dee', role: 'Viewer', last_login_at: null });
    expect(made.body.password).toMatch(/^[A-Za-z0-9]{20}$/);
    const given = await api(tokens.admin, 'POST', '/users', { username: 'eve', role: 'op', password: 'eve-pass-123' });
    conforms('post', '/users', 201, given.body);
    expect(given.body.password).toBeUndefined();
    expect(given.body.role).toBe('Op');
    await loggedIn('dee', made.body.password);

    const ops = await api(tokens.admin, 'GET', '/users?role=Op');
    conforms('get', '/users', 200, ops.body);
    expect(ops.body.items.map((u: { username: string }) => u.username)).toEqual(['eve', 'op']);
    const second = await api(tokens.admin, 'GET', '/users?limit=1&offset=1');
    expect(second.body).toMatchObject({ limit: 1, offset: 1, items: [{ username: 'dee' }] });
    expect((await api(tokens.admin, 'GET', '/users?role=Boss')).status).toBe(400);
    const one = await api(tokens.admin, 'GET', '/users/dee');
    conforms('get', '/users/{username}', 200, one.body);
    expect(one.body.last_login_at).toEqual(expect.any(String));

    const role = await api(tokens.admin, 'PATCH', '/users/dee', { role: 'Op' });
    conforms('patch', '/users/{username}', 200, role.body);
    expect(role.body).toMatchObject({ role: 'Op' });
    expect(role.body.password).toBeUndefined();
    const pw = await api(tokens.admin, 'PATCH', '/users/dee', { password: null });
    conforms('patch', '/users/{username}', 200, pw.body);
    expect(pw.body.password).toMatch(/^[A-Za-z0-9]{20}$/);
    await loggedIn('dee', pw.body.password);
    for (const [b, msg] of [
      [{}, 'the body must give role and/or password'],
      [{ role: 'Boss' }, 'role must be one of Viewer, Op, Admin, got "Boss"'],
      [{ password: 'short' }, 'a password needs at least 8 characters'],
    ] as const) {
      const bad = await api(tokens.admin, 'PATCH', '/users/dee', b);
      expect([bad.status, bad.body.error.message]).toEqual([400, msg]);
      conforms('patch', '/users/{username}', 400, bad.body);
    }
    const missing = await api(tokens.admin, 'PATCH', '/users/nobody', { role: 'Op' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'USER_NOT_FOUND']);
    conforms('patch', '/users/{username}', 404, missing.body);
    const last = await api(tokens.admin, 'PATCH', '/users/admin', { role: 'Viewer' });
    expect([last.status, last.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    const self = await api(tokens.admin, 'DELETE', '/users/admin');
    expect([self.status, self.body.error.message]).toEqual([
      409,
      'admin cannot delete their own account: ask another Admin',
    ]);
    conforms('delete', '/users/{username}', 409, self.body);

    const t = await api(tokens.admin, 'POST', '/users/dee/tokens', { name: 'nightly', expires_in_days: 1 });
    expect(t.status).toBe(201);
    conforms('post', '/users/{username}/tokens', 201, t.body);
    expect(t.body.token).toMatch(/^sluice_/);
    expect((await api(t.body.token, 'GET', '/dags/tiny')).status).toBe(200);
    const listed = await api(tokens.admin, 'GET', '/users/dee/tokens');
    conforms('get', '/users/{username}/tokens', 200, listed.body);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.text).not.toContain(t.body.token);
    expect((await api(tokens.admin, 'POST', '/users/dee/tokens', { name: 'x', expires_in_days: -1 })).status).toBe(400);
    expect((await api(tokens.admin, 'POST', '/users/nobody/tokens', { name: 'x' })).status).toBe(404);
    const revoked = await api(tokens.admin, 'DELETE', `/tokens/${t.body.id}`);
    conforms('delete', '/tokens/{token_id}', 200, revoked.body);
    expect(revoked.body).toMatchObject({ id: t.body.id, name: 'nightly', username: 'dee' });
    expect((await api(t.body.token, 'GET', '/dags/tiny')).status).toBe(401);
    const again = await api(tokens.admin, 'DELETE', `/tokens/${t.body.id}`);
    expect([again.status, again.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await api(tokens.admin, 'DELETE', '/tokens/abc')).status).toBe(400);

    // A token acts with its user's role as it is at each request.
    const eveToken = (await api(tokens.admin, 'POST', '/users/eve/tokens', { name: 'eve-ci' })).body.token as string;
    expect((await api(eveToken, 'PATCH', '/dags/tiny', { is_paused: false })).status).toBe(200);
    await api(tokens.admin, 'PATCH', '/users/eve', { role: 'Viewer' });
    const refused = await api(eveToken, 'PATCH', '/dags/tiny', { is_paused: false });
    expect([refused.status, refused.body.error.message]).toEqual([403, 'eve is a Viewer: this needs the Op role']);

    const gone = await api(tokens.admin, 'DELETE', '/users/dee');
    conforms('delete', '/users/{username}', 200, gone.body);
    expect(gone.body.username).toBe('dee');
    expect((await api(tokens.admin, 'GET', '/users/dee')).status).toBe(404);
    // The CLI sees what the API did.
    expect((await stack.sluice(['users', 'list'])).stdout).not.toMatch(/^dee\b/m);
  }, 90_000);

  test('hostile user and token names are refused or shown as text', async () => {
    const bad = await admin.request('POST', '/admin/users', {
      form: { _csrf: admin.csrf, username: HOSTILE, role: 'Op' },
    });
    expect(bad.status).toBe(400);
    expect(bad.text_).not.toContain('<script>alert');
    expect(bad.text_).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;');
    const viaApi = await api(tokens.admin, 'POST', '/users', { username: HOSTILE, role: 'Op' });
    expect([viaApi.status, viaApi.body.error.code]).toEqual([400, 'USAGE']);
    const odd = await admin.request('POST', '/admin/users', {
      form: { _csrf: admin.csrf, username: 'o.dd_name@x-y', role: 'Viewer', password: 'odd-pass-123' },
    });
    expect(odd.status).toBe(303);
    expect((await admin.get('/admin/users')).text_).toContain('action="/admin/users/o.dd_name%40x-y/role"');
    const tok = await admin.request('POST', '/admin/tokens', {
      form: { _csrf: admin.csrf, username: 'o.dd_name@x-y', name: HOSTILE },
    });
    expect(tok.status).toBe(200);
    expect(tok.text_).not.toContain('<script>alert');
    const list = await admin.get('/admin/tokens');
    expect(list.text_).not.toContain('<script>alert');
    expect(list.text_).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;');
    expect(await flashOf(admin, '/admin/tokens')).toBeUndefined();
    const id = (await api(tokens.admin, 'GET', '/users/o.dd_name@x-y/tokens')).body.items[0].id;
    await admin.request('POST', `/admin/tokens/${id}/revoke`, { form: { _csrf: admin.csrf } });
    const flash = (await admin.get('/admin/tokens')).text_;
    expect(flash).toContain('revoked token &lt;script&gt;alert');
    expect(flash).not.toContain('<script>alert');
    const path = await admin.get(`/admin/users/${encodeURIComponent(HOSTILE)}/delete`);
    expect(path.status).toBe(404);
    expect(path.text_).not.toContain('<script>alert');
  }, 60_000);
});
