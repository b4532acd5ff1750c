import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SluiceError } from '../errors/errors';

export interface EmbeddedServer {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres in WASM) persisted in `<home>/pgdata`, served on a loopback port by
 * pglite-socket so the ordinary pg/knex code can talk to it. PGlite is single-user: a lock file
 * keeps a second process from opening the same data directory.
 */
export async function startEmbedded(home: string): Promise<EmbeddedServer> {
  const dataDir = path.join(home, 'pgdata');
  await fs.mkdir(home, { recursive: true });
  const lock = path.join(home, 'embedded.lock');
  await acquireLock(lock);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create(dataDir);
    // Two slots so a closing connection (migrations) never blocks the next one; Sluice uses one at a time.
    const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 2 });
    await server.start();
    const conn = server.getServerConn();
    return {
      url: `postgresql://postgres@${conn}/postgres?sslmode=disable`,
      dataDir,
      async stop() {
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

async function acquireLock(lock: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(await fs.readFile(lock, 'utf8').catch(() => ''));
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
