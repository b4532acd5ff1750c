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

/** A user by name, without the password hash. */
export async function findUser(q: Queryable, username: string): Promise<UserRow | undefined> {
  return (await q.query<UserRow>(`SELECT ${COLUMNS} FROM sluice.web_user WHERE username = $1`, [username])).rows[0];
}

// The Admins, locked for the statement: two Admins removed at once cannot both see the other one left.
const ADMINS = `admins AS (SELECT id FROM sluice.web_user WHERE role = 'Admin' FOR UPDATE)`;
/** The change to user t (a row of web_user) leaves an Admin: t is not one, or is not the last one. */
const LEAVES_AN_ADMIN = `(t.role <> 'Admin' OR (SELECT count(*) FROM admins) > 1)`;

/** Deletes the user unless it is the last Admin; its sessions and tokens go with it (ON DELETE CASCADE). */
export async function deleteUser(q: Queryable, username: string): Promise<'deleted' | 'missing' | 'last-admin'> {
  const r = await q.query<{ found: number; deleted: number }>(
    `WITH ${ADMINS},
     gone AS (
       DELETE FROM sluice.web_user t WHERE t.username = $1 AND ${LEAVES_AN_ADMIN} RETURNING t.id
     )
     SELECT (SELECT count(*) FROM sluice.web_user WHERE username = $1)::int AS found,
            (SELECT count(*) FROM gone)::int AS deleted`,
    [username],
  );
  const { found, deleted } = r.rows[0];
  return deleted ? 'deleted' : found ? 'last-admin' : 'missing';
}

/**
 * A new password and/or role; a new password ends every session of the user (a new role applies
 * from the user's next request, which reads it). Undefined when there is no such user, or when the
 * change would take the Admin role from the last Admin (nothing is changed then).
 */
export async function updateCredentials(
  q: Queryable,
  username: string,
  c: { passwordHash?: string; role?: Role },
): Promise<UserRow | undefined> {
  const r = await q.query<UserRow>(
    `WITH ${ADMINS}, u AS (
       UPDATE sluice.web_user t
          SET password_hash = coalesce($2, password_hash),
              password_set_at = CASE WHEN $2::text IS NULL THEN password_set_at ELSE now() END,
              role = coalesce($3, role)
        WHERE username = $1 AND (coalesce($3, role) = 'Admin' OR ${LEAVES_AN_ADMIN})
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
