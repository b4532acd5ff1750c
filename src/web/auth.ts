/**
 * Who is asking: a session cookie (browsers) or `Authorization: Bearer <token>` (scripts). Every
 * route says what it needs (read, operate, admin); state-changing requests from a session must
 * carry its CSRF token and come from this origin. A token is not sent by browsers on their own,
 * so bearer requests need no CSRF token.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Queryable } from '../db/queryable';
import { apiTokenUser, sessionOf, type UserRow } from '../actions/users';
import { can, type Permission } from '../auth/roles';
import { sameSecret } from '../auth/tokens';
import { SluiceError } from '../errors/errors';

export const SESSION_COOKIE = 'sluice_session';
export const LOGIN_CSRF_COOKIE = 'sluice_login_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Viewer {
  readonly user: UserRow;
  readonly via: 'session' | 'token';
  /** The session's CSRF token, for forms and the page's script. */
  readonly csrfToken?: string;
}

export function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    try {
      out[k] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // a malformed cookie is ignored, as browsers do
    }
  }
  return out;
}

export function viewerOf(res: Response): Viewer | undefined {
  return res.locals.viewer as Viewer | undefined;
}

/** Resolves the viewer (if any) for every request; never rejects by itself. */
export function identify(db: Queryable) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const user = await apiTokenUser(db, header.slice('Bearer '.length).trim());
      if (!user) throw new SluiceError('UNAUTHENTICATED', 'the API token is unknown, revoked or expired');
      res.locals.viewer = { user, via: 'token' } satisfies Viewer;
      return next();
    }
    const token = cookies(req)[SESSION_COOKIE];
    if (token) {
      const s = await sessionOf(db, token);
      if (s) res.locals.viewer = { user: s.user, via: 'session', csrfToken: s.csrfToken } satisfies Viewer;
    }
    next();
  };
}

/** The route needs `permission`: anonymous → 401 (pages redirect to the login), too low a role → 403. */
export function requires(permission: Permission) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const viewer = viewerOf(res);
    if (!viewer) throw new SluiceError('UNAUTHENTICATED', 'log in first');
    if (!can(viewer.user.role, permission))
      throw new SluiceError(
        'FORBIDDEN',
        `${viewer.user.username} is a ${viewer.user.role}: this needs the ${permission === 'admin' ? 'Admin' : 'Op'} role`,
      );
    if (viewer.via === 'session' && UNSAFE.has(req.method)) checkCsrf(req, viewer.csrfToken!);
    next();
  };
}

function checkCsrf(req: Request, expected: string): void {
  const sent = req.get('x-csrf-token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof sent !== 'string' || !sameSecret(sent, expected))
    throw new SluiceError(
      'FORBIDDEN',
      'the form is out of date or was not sent by this site (CSRF token): reload the page',
    );
  checkOrigin(req);
}

/** A browser names the page a request came from: it must be this site. */
export function checkOrigin(req: Request): void {
  const origin = req.get('origin');
  if (!origin || origin === 'null') return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new SluiceError('FORBIDDEN', 'the request came from another site');
  }
  if (host !== req.get('host')) throw new SluiceError('FORBIDDEN', 'the request came from another site');
}
