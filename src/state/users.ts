import type { Queryable } from '../db/queryable';
import type { Role } from '../auth/roles';

/** Users of the web UI and API (`sluice.web_user`). */

export interface UserRow {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly lastLoginAt: Date | null;
}

const COLUMNS = `id, username, role, created_at AS "createdAt", last_login_at AS "lastLoginAt"`;

/** The new user, or undefined when the name is taken (one statement: two creators cannot both win). */
export async function insertUser(
  q: Queryable,
  u: { username: string; role: Role; passwordHash: string },
): Promise<UserRow | undefined> {
  const r = await q.query<UserRow>(
    `INSERT INTO sluice.web_user (username, role, password_hash) VALUES ($1, $2, $3)
     ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
    [u.username, u.role, u.passwordHash],
  );
  return r.rows[0];
}

export async function listUsers(q: Queryable): Promise<UserRow[]> {
  return (await q.query<UserRow>(`SELECT ${COLUMNS} FROM sluice.web_user ORDER BY username`)).rows;
}

export async function countUsers(q: Queryable): Promise<number> {
  return Number((await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM sluice.web_user`)).rows[0].n);
}

/** A user with the stored password hash, for a login. */
export async function findUserCredentials(
  q: Queryable,
  username: string,
): Promise<(UserRow & { passwordHash: string }) | undefined> {
  const r = await q.query<UserRow & { passwordHash: string }>(
    `SELECT ${COLUMNS}, password_hash AS "passwordHash" FROM sluice.web_user WHERE username = $1`,
    [username],
  );
  return r.rows[0];
}

export async function deleteUser(q: Queryable, username: string): Promise<boolean> {
  return ((await q.query(`DELETE FROM sluice.web_user WHERE username = $1`, [username])).rowCount ?? 0) > 0;
}

/** A new password (and role, when given); every session of the user ends with it. */
export async function updateCredentials(
  q: Queryable,
  username: string,
  c: { passwordHash?: string; role?: Role },
): Promise<UserRow | undefined> {
  const r = await q.query<UserRow>(
    `WITH u AS (
       UPDATE sluice.web_user
          SET password_hash = coalesce($2, password_hash),
              password_set_at = CASE WHEN $2::text IS NULL THEN password_set_at ELSE now() END,
              role = coalesce($3, role)
        WHERE username = $1
        RETURNING ${COLUMNS}
     ), gone AS (
       DELETE FROM sluice.web_session s USING u WHERE s.user_id = u.id AND $2::text IS NOT NULL
     )
     SELECT * FROM u`,
    [username, c.passwordHash ?? null, c.role ?? null],
  );
  return r.rows[0];
}

export async function recordLogin(q: Queryable, userId: number): Promise<void> {
  await q.query(`UPDATE sluice.web_user SET last_login_at = now() WHERE id = $1`, [userId]);
}
