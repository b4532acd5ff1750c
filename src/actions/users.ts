/**
 * Users, logins, sessions and API tokens: what `sluice users …`, the login page and the API's
 * token auth call. Secrets are returned once, when made, and stored only as hashes.
 */
import type { Queryable } from '../db/queryable';
import { SluiceError } from '../errors/errors';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import { type Role } from '../auth/roles';
import { newApiToken, newSecret, secretHash } from '../auth/tokens';
import {
  deleteUser as deleteUserRow,
  findUser as findUserRow,
  findUserCredentials,
  insertUser,
  listUsers as listUserRows,
  recordLogin,
  updateCredentials,
  type UserRow,
} from '../state/users';
import {
  deleteExpiredSessions,
  deleteSession,
  findSession,
  insertSession,
  type SessionRow,
} from '../state/web-sessions';
import {
  deleteApiToken,
  deleteApiTokenById,
  findApiTokenUser,
  insertApiToken,
  listApiTokens,
  type ApiTokenRow,
} from '../state/api-tokens';
import { recentLoginFailures, recordLoginAttempt } from '../state/login-attempts';

export type { UserRow, SessionRow, ApiTokenRow };

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** A session lasts 12 hours from login. */
export const SESSION_TTL_SECONDS = 12 * 3600;
/** Failed logins allowed per user name, and per client address, in the window. */
export const LOGIN_LIMIT = { window: 300, perUser: 5, perClient: 20 } as const;

function checkUsername(username: string): void {
  if (!USERNAME.test(username))
    throw new SluiceError(
      'USAGE',
      `user name "${username}" is not allowed: 1–64 letters, digits and . _ @ -, starting with a letter or digit`,
    );
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new SluiceError('USAGE', problem);
}

export async function createUser(
  db: Queryable,
  u: { username: string; role: Role; password?: string },
): Promise<{ user: UserRow; password: string; generated: boolean }> {
  checkUsername(u.username);
  if (u.password !== undefined) checkPassword(u.password);
  const password = u.password ?? generatePassword();
  const user = await insertUser(db, { username: u.username, role: u.role, passwordHash: await hashPassword(password) });
  if (!user) throw new SluiceError('STATE_CONFLICT', `user "${u.username}" exists already`);
  return { user, password, generated: u.password === undefined };
}

export function listUsers(db: Queryable): Promise<UserRow[]> {
  return listUserRows(db);
}

const noSuchUser = (username: string) => new SluiceError('USER_NOT_FOUND', `no user named "${username}"`);
const lastAdmin = (username: string, doing: string) =>
  new SluiceError(
    'STATE_CONFLICT',
    `${username} is the last Admin: ${doing} would leave nobody to manage users (make another user Admin first)`,
  );

export async function findUser(db: Queryable, username: string): Promise<UserRow> {
  const user = await findUserRow(db, username);
  if (!user) throw noSuchUser(username);
  return user;
}

/**
 * Removes a user with their sessions and tokens (they lose access at their next request). Refused for
 * the last Admin, and for `by` itself (the user asking, when a person in the web UI or API asks).
 */
export async function deleteUser(db: Queryable, username: string, opts: { by?: string } = {}): Promise<void> {
  if (opts.by === username)
    throw new SluiceError('STATE_CONFLICT', `${username} cannot delete their own account: ask another Admin`);
  const done = await deleteUserRow(db, username);
  if (done === 'missing') throw noSuchUser(username);
  if (done === 'last-admin') throw lastAdmin(username, 'deleting them');
}

/** A new role, from the user's next request on; refused when it would leave no Admin. */
export async function changeRole(db: Queryable, username: string, role: Role): Promise<UserRow> {
  const user = await updateCredentials(db, username, { role });
  if (user) return user;
  await findUser(db, username);
  throw lastAdmin(username, `making them ${role}`);
}

/** A new password (generated unless given) and, optionally, a new role; the user's sessions end. */
export async function resetPassword(
  db: Queryable,
  r: { username: string; password?: string; role?: Role },
): Promise<{ user: UserRow; password: string; generated: boolean }> {
  if (r.password !== undefined) checkPassword(r.password);
  const password = r.password ?? generatePassword();
  const user = await updateCredentials(db, r.username, { passwordHash: await hashPassword(password), role: r.role });
  if (!user) {
    await findUser(db, r.username);
    throw lastAdmin(r.username, `making them ${r.role}`);
  }
  return { user, password, generated: r.password === undefined };
}

// Verified against when the name is unknown, so a login takes as long whether or not the user exists.
let decoyHash: Promise<string> | undefined;

/**
 * A login: the rate limit first (failures per name and per client address, across every web
 * server), then the password. The same message for an unknown name and a wrong password.
 */
export async function login(
  db: Queryable,
  l: { username: string; password: string; client: string },
): Promise<{ user: UserRow; session: string; csrfToken: string }> {
  const failures = await recentLoginFailures(db, l.username, l.client, LOGIN_LIMIT.window);
  if (failures.byUser >= LOGIN_LIMIT.perUser || failures.byClient >= LOGIN_LIMIT.perClient)
    throw new SluiceError(
      'RATE_LIMITED',
      `too many failed logins: try again in ${Math.round(LOGIN_LIMIT.window / 60)} minutes`,
    );
  const found = await findUserCredentials(db, l.username);
  decoyHash ??= hashPassword(newSecret());
  const ok = await verifyPassword(l.password, found?.passwordHash ?? (await decoyHash));
  await recordLoginAttempt(db, { username: l.username, client: l.client, succeeded: ok && !!found });
  if (!ok || !found) throw new SluiceError('UNAUTHENTICATED', 'wrong user name or password');
  const session = newSecret();
  const csrfToken = newSecret();
  await insertSession(db, {
    tokenHash: secretHash(session),
    userId: found.id,
    csrfToken,
    ttlSeconds: SESSION_TTL_SECONDS,
  });
  await recordLogin(db, found.id);
  await deleteExpiredSessions(db); // logins are rare enough to keep the table small this way
  const { passwordHash: _hash, ...user } = found;
  return { user, session, csrfToken };
}

export function sessionOf(db: Queryable, session: string): Promise<SessionRow | undefined> {
  return findSession(db, secretHash(session));
}

export async function logout(db: Queryable, session: string): Promise<void> {
  await deleteSession(db, secretHash(session));
}

/** A token for scripts (`Authorization: Bearer …`), shown once. */
export async function createApiToken(
  db: Queryable,
  t: { username: string; name: string; ttlSeconds?: number },
): Promise<{ token: string; row: ApiTokenRow }> {
  const user = await findUserCredentials(db, t.username);
  if (!user) throw new SluiceError('USER_NOT_FOUND', `no user named "${t.username}"`);
  if (!t.name.trim() || t.name.length > 100) throw new SluiceError('USAGE', 'a token needs a name of 1–100 characters');
  const token = newApiToken();
  const row = await insertApiToken(db, {
    userId: user.id,
    name: t.name,
    tokenHash: secretHash(token),
    ttlSeconds: t.ttlSeconds,
  });
  if (!row) throw new SluiceError('STATE_CONFLICT', `user "${t.username}" has a token named "${t.name}" already`);
  return { token, row };
}

export function apiTokenUser(db: Queryable, token: string): Promise<UserRow | undefined> {
  return findApiTokenUser(db, secretHash(token));
}

export function listTokens(db: Queryable, username?: string): Promise<ApiTokenRow[]> {
  return listApiTokens(db, username);
}

/** Revokes a token by its id (the web UI and API name tokens so); the revoked token. */
export async function revokeApiTokenById(db: Queryable, id: number): Promise<ApiTokenRow> {
  const row = Number.isSafeInteger(id) && id > 0 ? await deleteApiTokenById(db, id) : undefined;
  if (!row) throw new SluiceError('NOT_FOUND', `no API token with id ${id}`);
  return row;
}

export async function revokeApiToken(db: Queryable, username: string, name: string): Promise<void> {
  if (!(await deleteApiToken(db, username, name)))
    throw new SluiceError('NOT_FOUND', `user "${username}" has no token named "${name}"`);
}
