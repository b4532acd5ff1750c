import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../db/queryable';
import { createUser } from './users';
import { countUsers } from '../state/users';
import { isSluiceError } from '../errors/errors';

export const STANDALONE_ADMIN = 'admin';
const PASSWORD_FILE = 'standalone_admin_password.txt';

/**
 * As `airflow standalone`: on the first start (no users at all) an `admin` user with a generated
 * password, printed once and kept in `$SLUICE_HOME` (readable by the owner only) for later starts.
 */
export async function ensureStandaloneAdmin(
  db: Queryable,
  home: string,
): Promise<{ username: string; password?: string; file: string; created: boolean } | undefined> {
  const file = path.join(home, PASSWORD_FILE);
  if ((await countUsers(db)) === 0) {
    try {
      const made = await createUser(db, { username: STANDALONE_ADMIN, role: 'Admin' });
      mkdirSync(home, { recursive: true });
      writeFileSync(file, `${made.password}\n`, { mode: 0o600 });
      return { username: STANDALONE_ADMIN, password: made.password, file, created: true };
    } catch (e) {
      // Another standalone on the same Postgres made it first: fall through to the file.
      if (!isSluiceError(e) || e.code !== 'STATE_CONFLICT') throw e;
    }
  }
  if (!existsSync(file)) return undefined;
  return { username: STANDALONE_ADMIN, password: readFileSync(file, 'utf8').trim(), file, created: false };
}
