import type { Queryable } from '../db/queryable';
import type { UserRow } from './users';

/** API tokens for scripts (`sluice.api_token`), keyed by the SHA-256 of the token. */

export interface ApiTokenRow {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
}

const COLUMNS = `t.id, u.username, t.name, t.created_at AS "createdAt", t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt"`;

/** The new token's row, or undefined when the user has a token of that name already. */
export async function insertApiToken(
  q: Queryable,
  t: { userId: number; name: string; tokenHash: string; ttlSeconds?: number },
): Promise<ApiTokenRow | undefined> {
  const r = await q.query<ApiTokenRow>(
    `WITH t AS (
       INSERT INTO sluice.api_token (user_id, name, token_hash, expires_at)
       VALUES ($1, $2, $3, CASE WHEN $4::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $4::float8) END)
       ON CONFLICT (user_id, name) DO NOTHING
       RETURNING *
     )
     SELECT ${COLUMNS} FROM t JOIN sluice.web_user u ON u.id = t.user_id`,
    [t.userId, t.name, t.tokenHash, t.ttlSeconds ?? null],
  );
  return r.rows[0];
}

/** The token's user (and the token marked used), when it exists and has not expired. */
export async function findApiTokenUser(q: Queryable, tokenHash: string): Promise<UserRow | undefined> {
  const r = await q.query<UserRow>(
    `WITH t AS (
       UPDATE sluice.api_token SET last_used_at = now()
        WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > now())
        RETURNING user_id
     )
     SELECT u.id, u.username, u.role, u.created_at AS "createdAt", u.last_login_at AS "lastLoginAt"
       FROM t JOIN sluice.web_user u ON u.id = t.user_id`,
    [tokenHash],
  );
  return r.rows[0];
}

export async function listApiTokens(q: Queryable, username?: string): Promise<ApiTokenRow[]> {
  const r = await q.query<ApiTokenRow>(
    `SELECT ${COLUMNS} FROM sluice.api_token t JOIN sluice.web_user u ON u.id = t.user_id
      WHERE $1::text IS NULL OR u.username = $1 ORDER BY u.username, t.name`,
    [username ?? null],
  );
  return r.rows;
}

export async function deleteApiToken(q: Queryable, username: string, name: string): Promise<boolean> {
  const r = await q.query(
    `DELETE FROM sluice.api_token t USING sluice.web_user u WHERE u.id = t.user_id AND u.username = $1 AND t.name = $2`,
    [username, name],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Deletes a token by its id; the deleted token's row, or undefined when there is none. */
export async function deleteApiTokenById(q: Queryable, id: number): Promise<ApiTokenRow | undefined> {
  const r = await q.query<ApiTokenRow>(
    `WITH t AS (DELETE FROM sluice.api_token WHERE id = $1 RETURNING *)
     SELECT ${COLUMNS} FROM t JOIN sluice.web_user u ON u.id = t.user_id`,
    [id],
  );
  return r.rows[0];
}
