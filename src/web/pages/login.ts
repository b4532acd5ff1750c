import type { Express, Request, Response } from 'express';
import { login, logout, SESSION_TTL_SECONDS } from '../../actions/users';
import { newSecret, sameSecret } from '../../auth/tokens';
import { isSluiceError, SluiceError } from '../../errors/errors';
import { checkOrigin, cookies, LOGIN_CSRF_COOKIE, SESSION_COOKIE, viewerOf } from '../auth';
import type { WebDeps } from '../app';

/** Only a path on this site: `//evil.example` or `https://…` would send the user elsewhere. */
function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])/.test(v) ? v : '/dags';
}

export function loginRoutes(app: Express, deps: WebDeps): void {
  const cookie = (maxAgeSeconds: number) => ({
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.secureCookies,
    path: '/',
    maxAge: maxAgeSeconds * 1000,
  });
  const form = (req: Request, res: Response, status: number, error?: string) => {
    // Login CSRF: the form carries the value of a cookie only this site could have set.
    const token = newSecret();
    res.cookie(LOGIN_CSRF_COOKIE, token, cookie(3600));
    res
      .status(status)
      .type('html')
      .send(
        deps.render('login', {
          title: 'Log in',
          csrf: token,
          next: safeNext(req.query.next ?? req.body?.next),
          error,
          username: typeof req.body?.username === 'string' ? req.body.username : '',
        }),
      );
  };

  app.get('/login', (req, res) => {
    if (viewerOf(res)) return res.redirect(safeNext(req.query.next));
    form(req, res, 200);
  });

  app.post('/login', async (req, res) => {
    checkOrigin(req);
    const sent = req.body?._csrf;
    const expected = cookies(req)[LOGIN_CSRF_COOKIE];
    if (typeof sent !== 'string' || !expected || !sameSecret(sent, expected))
      return form(req, res, 403, 'The login form was out of date: try again.');
    const { username, password } = req.body as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password)
      return form(req, res, 400, 'Enter your user name and password.');
    try {
      const done = await login(deps.rt.db, { username, password, client: req.ip ?? 'unknown' });
      res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
      res.cookie(SESSION_COOKIE, done.session, cookie(SESSION_TTL_SECONDS));
      res.redirect(303, safeNext(req.body?.next));
    } catch (e) {
      if (isSluiceError(e) && (e.code === 'UNAUTHENTICATED' || e.code === 'RATE_LIMITED'))
        return form(req, res, e.code === 'RATE_LIMITED' ? 429 : 401, e.message);
      throw e;
    }
  });

  app.post('/logout', async (req, res) => {
    const viewer = viewerOf(res);
    if (viewer?.via === 'session') {
      const sent = req.body?._csrf;
      if (typeof sent !== 'string' || !sameSecret(sent, viewer.csrfToken!))
        throw new SluiceError('FORBIDDEN', 'the form is out of date (CSRF token): reload the page');
      await logout(deps.rt.db, cookies(req)[SESSION_COOKIE]);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });
}
