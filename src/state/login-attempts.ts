import type { Queryable } from '../db/queryable';

/** Login attempts (`sluice.login_attempt`): the rate limit, shared by every web server. */

/** Failed attempts since `seconds` ago, for the name and for the client address. */
export async function recentLoginFailures(
  q: Queryable,
  username: string,
  client: string,
  seconds: number,
): Promise<{ byUser: number; byClient: number }> {
  const r = await q.query<{ byUser: number; byClient: number }>(
    `SELECT count(*) FILTER (WHERE username = $1)::int AS "byUser", count(*) FILTER (WHERE client = $2)::int AS "byClient"
       FROM sluice.login_attempt
      WHERE NOT succeeded AND at > now() - make_interval(secs => $3) AND (username = $1 OR client = $2)`,
    [username, client, seconds],
  );
  return r.rows[0];
}

/** Records an attempt; a success forgets the name's failures. Rows older than a day go. */
export async function recordLoginAttempt(
  q: Queryable,
  a: { username: string; client: string; succeeded: boolean },
): Promise<void> {
  await q.query(
    `WITH ins AS (INSERT INTO sluice.login_attempt (username, client, succeeded) VALUES ($1, $2, $3)),
          old AS (DELETE FROM sluice.login_attempt
                   WHERE at < now() - interval '1 day' OR ($3 AND username = $1 AND NOT succeeded))
     SELECT 1`,
    [a.username, a.client, a.succeeded],
  );
}
