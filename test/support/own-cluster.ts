import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';

/**
 * A Postgres cluster of a test's own, on a port of its own (`pg_createcluster`), for tests that
 * stop and restart Postgres: never the shared server on 5432 that every other test uses.
 */
export interface OwnCluster {
  readonly port: number;
  url(database?: string): string;
  stop(): void;
  start(): void;
  restart(): void;
  drop(): void;
}

export async function createOwnCluster(label: string): Promise<OwnCluster> {
  const version = readdirSync('/etc/postgresql').sort().pop()!;
  const name = `sluice_${label}_${process.pid}`;
  const port = await freePort();
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });
  run('pg_createcluster', [version, name, '-p', String(port), '--', '--auth=trust']);
  const cluster: OwnCluster = {
    port,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start: () => {
      run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start']);
    },
    // Fast shutdown: sessions are terminated ("terminating connection due to administrator command").
    stop: () => {
      run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'stop', '-m', 'fast']);
    },
    restart: () => {
      cluster.stop();
      cluster.start();
    },
    drop: () => {
      run('pg_dropcluster', ['--stop', version, name]);
    },
  };
  cluster.start();
  return cluster;
}

async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = net
        .createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
