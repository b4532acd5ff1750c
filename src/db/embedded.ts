import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SluiceError } from '../errors/errors';
import { serveOneSessionAtATime } from './embedded-server';

export interface EmbeddedServer {
  readonly url: string;
  readonly dataDir: string;
  /** False when another process owns the database and this one is only its client. */
  readonly owner: boolean;
  stop(): Promise<void>;
}

/**
 * The embedded database of `home`: the server another live process already runs there (its URL
 * file next to the lock), or a new one owned by this process.
 */
export async function openEmbedded(home: string): Promise<EmbeddedServer> {
  const url = await runningServerUrl(home);
  if (url) return { url, dataDir: dataDirOf(home), owner: false, stop: async () => undefined };
  return startEmbedded(home);
}

/**
 * Starts PGlite (Postgres in WASM) persisted in `<home>/pgdata`, served on a loopback port so the
 * ordinary pg/knex code (and other sluice processes) can talk to it. PGlite is single-user: a lock
 * file keeps a second process from opening the same data directory; the URL file beside it tells
 * other processes where to connect instead.
 */
async function startEmbedded(home: string): Promise<EmbeddedServer> {
  const dataDir = dataDirOf(home);
  await fs.mkdir(home, { recursive: true });
  const lock = path.join(home, LOCK_FILE);
  const urlFile = path.join(home, URL_FILE);
  await acquireLock(lock);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
    const server = await serveOneSessionAtATime(db);
    const url = `postgresql://postgres@${server.address}/postgres?sslmode=disable`;
    await fs.writeFile(urlFile, `${url}\n`);
    return {
      url,
      dataDir,
      owner: true,
      async stop() {
        await fs.rm(urlFile, { force: true });
        await server.stop();
        await db.close();
        await fs.rm(lock, { force: true });
      },
    };
  } catch (e) {
    await fs.rm(lock, { force: true });
    throw e;
  }
}

const LOCK_FILE = 'embedded.lock';
const URL_FILE = 'embedded.url';

function dataDirOf(home: string): string {
  return path.join(home, 'pgdata');
}

/** The URL another live process serves `home`'s database on; a file left by a dead process is ignored. */
async function runningServerUrl(home: string): Promise<string | undefined> {
  const pid = await lockOwner(path.join(home, LOCK_FILE));
  if (!pid || pid === process.pid || !isAlive(pid)) return undefined;
  const url = (await fs.readFile(path.join(home, URL_FILE), 'utf8').catch(() => '')).trim();
  return url || undefined;
}

async function lockOwner(lock: string): Promise<number> {
  return Number(await fs.readFile(lock, 'utf8').catch(() => ''));
}

async function acquireLock(lock: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = await lockOwner(lock);
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new SluiceError(
          'DATABASE_UNAVAILABLE',
          `the embedded database in ${path.dirname(lock)} is in use by process ${pid}. ` +
            'PGlite serves one process: stop that process, or set DATABASE_URL to share a real Postgres.',
        );
      }
      await fs.rm(lock, { force: true });
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
