import type { Queryable } from '../db/queryable';
import type { UserRow } from './users';

/** Browser sessions (`sluice.web_session`), keyed by the SHA-256 of the cookie's secret. */

export interface SessionRow {
  readonly user: UserRow;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export async function insertSession(
  q: Queryable,
  s: { tokenHash: string; userId: number; csrfToken: string; ttlSeconds: number },
): Promise<void> {
  await q.query(
    `INSERT INTO sluice.web_session (token_hash, user_id, csrf_token, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [s.tokenHash, s.userId, s.csrfToken, s.ttlSeconds],
  );
}

/** The session's user, when the session exists and has not expired. */
export async function findSession(q: Queryable, tokenHash: string): Promise<SessionRow | undefined> {
  const r = await q.query<{
    id: number;
    username: string;
    role: UserRow['role'];
    createdAt: Date;
    lastLoginAt: Date | null;
    csrfToken: string;
    expiresAt: Date;
  }>(
    `SELECT u.id, u.username, u.role, u.created_at AS "createdAt", u.last_login_at AS "lastLoginAt",
            s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt"
       FROM sluice.web_session s JOIN sluice.web_user u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [tokenHash],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  const { csrfToken, expiresAt, ...user } = row;
  return { user, csrfToken, expiresAt };
}

export async function deleteSession(q: Queryable, tokenHash: string): Promise<void> {
  await q.query(`DELETE FROM sluice.web_session WHERE token_hash = $1`, [tokenHash]);
}

export async function deleteExpiredSessions(q: Queryable): Promise<number> {
  return (await q.query(`DELETE FROM sluice.web_session WHERE expires_at <= now()`)).rowCount ?? 0;
}
