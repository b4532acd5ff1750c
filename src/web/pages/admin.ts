/**
 * Admin pages: users (create, change role, reset password, delete) and API tokens (create, revoke),
 * calling the same actions as `sluice users …`. Every form POSTs with the CSRF token; a result is a
 * redirect to the list with a one-time message, except a generated password or a new token, shown
 * once on the POST's own response (never in a URL, never stored).
 */
import type { Express, Request, Response } from 'express';
import {
  changeRole,
  createApiToken,
  createUser,
  deleteUser,
  findUser,
  listTokens,
  listUsers,
  resetPassword,
  revokeApiTokenById,
} from '../../actions/users';
import { parseRole, ROLES, type Role } from '../../auth/roles';
import { isSluiceError, SluiceError } from '../../errors/errors';
import { cookies, requires, viewerOf } from '../auth';
import { httpStatus } from '../http-errors';
import type { WebDeps } from '../app';

const FLASH_COOKIE = 'sluice_flash';
const e = encodeURIComponent;
const USERS = '/admin/users';
const TOKENS = '/admin/tokens';
const userUrl = (username: string, what: 'role' | 'password' | 'delete') => `${USERS}/${e(username)}/${what}`;

type Handler = (req: Request, res: Response) => Promise<void>;

function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
}

function roleField(req: Request): Role {
  const v = field(req, 'role');
  const r = parseRole(v);
  if (!r) throw new SluiceError('USAGE', `role must be one of ${ROLES.join(', ')}, got "${v}"`);
  return r;
}

export function adminPages(app: Express, deps: WebDeps): void {
  const db = deps.rt.db;
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies, path: '/admin' };
  /** Redirect-after-POST with a message for the next page only (a cookie: nothing in the URL). */
  const done = (res: Response, to: string, message: string) => {
    res.cookie(FLASH_COOKIE, message, { ...cookieOptions, maxAge: 60_000 });
    res.redirect(303, to);
  };
  const takeFlash = (req: Request, res: Response): string | undefined => {
    const m = cookies(req)[FLASH_COOKIE];
    if (m) res.clearCookie(FLASH_COOKIE, cookieOptions);
    return m || undefined;
  };
  const page = (res: Response, view: string, title: string, data: Record<string, unknown>, status = 200) => {
    const viewer = viewerOf(res)!;
    res
      .status(status)
      .type('html')
      .send(deps.render(view, { title, viewer, csrf: viewer.csrfToken, roles: ROLES, ...data }));
  };

  const usersPage = async (req: Request, res: Response, extra: { error?: string; status?: number } = {}) => {
    const me = viewerOf(res)!.user.username;
    const users = (await listUsers(db)).map((u) => ({
      ...u,
      me: u.username === me,
      roleUrl: userUrl(u.username, 'role'),
      passwordUrl: userUrl(u.username, 'password'),
      deleteUrl: userUrl(u.username, 'delete'),
    }));
    page(res, 'admin-users', 'Users', { users, flash: takeFlash(req, res), error: extra.error }, extra.status);
  };
  const tokensPage = async (req: Request, res: Response, extra: { error?: string; status?: number } = {}) => {
    const tokens = (await listTokens(db)).map((t) => ({ ...t, revokeUrl: `${TOKENS}/${t.id}/revoke` }));
    const users = (await listUsers(db)).map((u) => u.username);
    page(
      res,
      'admin-tokens',
      'API tokens',
      { tokens, users, flash: takeFlash(req, res), error: extra.error },
      extra.status,
    );
  };
  /** A form's mistake (a taken name, a short password, the last Admin) is shown on the list it came from. */
  const form =
    (list: typeof usersPage, handle: Handler): Handler =>
    async (req, res) => {
      try {
        await handle(req, res);
      } catch (err) {
        const status = isSluiceError(err) ? httpStatus(err.code) : 500;
        if (!isSluiceError(err) || status === 401 || status === 403 || status >= 500) throw err;
        await list(req, res, { error: err.message, status });
      }
    };
  const secretPage = (
    res: Response,
    d: { title: string; what: string; secret: string; back: string; note: string; lost: string },
  ) => page(res, 'admin-secret', d.title, d);

  app.get('/admin', requires('admin'), (_req, res) => res.redirect(USERS));
  app.get(USERS, requires('admin'), (req, res) => usersPage(req, res));
  app.get(TOKENS, requires('admin'), (req, res) => tokensPage(req, res));

  app.post(
    USERS,
    requires('admin'),
    form(usersPage, async (req, res) => {
      const password = field(req, 'password') || undefined;
      const made = await createUser(db, { username: field(req, 'username'), role: roleField(req), password });
      const what = `created user ${made.user.username} (${made.user.role})`;
      if (!made.generated) return done(res, USERS, what);
      secretPage(res, {
        title: `User ${made.user.username}`,
        what,
        secret: made.password,
        back: USERS,
        note: `the password of ${made.user.username}`,
        lost: 'Reset the password from the list.',
      });
    }),
  );

  app.post(
    `${USERS}/:username/role`,
    requires('admin'),
    form(usersPage, async (req, res) => {
      const user = await changeRole(db, req.params.username as string, roleField(req));
      done(res, USERS, `${user.username} is now ${user.role}`);
    }),
  );

  app.post(
    `${USERS}/:username/password`,
    requires('admin'),
    form(usersPage, async (req, res) => {
      const password = field(req, 'password') || undefined;
      const r = await resetPassword(db, { username: req.params.username as string, password });
      const what = `new password set for ${r.user.username}; their sessions ended`;
      if (!r.generated) return done(res, USERS, what);
      secretPage(res, {
        title: `User ${r.user.username}`,
        what,
        secret: r.password,
        back: USERS,
        note: `the new password of ${r.user.username}`,
        lost: 'Reset the password again from the list.',
      });
    }),
  );

  // Deleting asks first, on a page of its own.
  app.get(`${USERS}/:username/delete`, requires('admin'), async (req, res) => {
    const user = await findUser(db, req.params.username as string);
    const tokens = (await listTokens(db, user.username)).length;
    page(res, 'admin-delete', `Delete ${user.username}`, {
      user,
      tokens,
      action: userUrl(user.username, 'delete'),
      me: user.username === viewerOf(res)!.user.username,
    });
  });

  app.post(
    `${USERS}/:username/delete`,
    requires('admin'),
    form(usersPage, async (req, res) => {
      const username = req.params.username as string;
      await deleteUser(db, username, { by: viewerOf(res)!.user.username });
      done(res, USERS, `deleted user ${username} with their sessions and tokens`);
    }),
  );

  app.post(
    TOKENS,
    requires('admin'),
    form(tokensPage, async (req, res) => {
      const days = field(req, 'expires_in_days');
      const n = Number(days);
      if (days && !(n > 0)) throw new SluiceError('USAGE', `expires in days must be a number > 0, got "${days}"`);
      const made = await createApiToken(db, {
        username: field(req, 'username'),
        name: field(req, 'name'),
        ttlSeconds: days ? n * 86400 : undefined,
      });
      secretPage(res, {
        title: `Token ${made.row.name}`,
        what: `created token ${made.row.name} for ${made.row.username}`,
        secret: made.token,
        back: TOKENS,
        note: `the token; scripts send it as Authorization: Bearer <token>, acting as ${made.row.username}`,
        lost: 'Revoke it and make another.',
      });
    }),
  );

  app.post(
    `${TOKENS}/:id/revoke`,
    requires('admin'),
    form(tokensPage, async (req, res) => {
      const id = req.params.id as string;
      if (!/^\d+$/.test(id)) throw new SluiceError('USAGE', `a token id is a whole number, got "${id}"`);
      const t = await revokeApiTokenById(db, Number(id));
      done(res, TOKENS, `revoked token ${t.name} of ${t.username}`);
    }),
  );
}
