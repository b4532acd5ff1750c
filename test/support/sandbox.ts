import { mkdtempSync, writeFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig, withOverrides, type Config } from '../../src/config/config';
import { openRuntime, type Runtime } from '../../src/actions/runtime';
import { silentLogger } from '../../src/util/logger';
import { createTestDatabase } from './pg';

export const REPO = path.resolve(__dirname, '../..');

/** A temporary project folder with a dags/ folder, for DAG files written by a test. */
export function tempProject(): {
  dir: string;
  dags: string;
  write(rel: string, text: string): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-test-'));
  const dags = path.join(dir, 'dags');
  mkdirSync(dags);
  // DAG files import 'sluice' by package name, as in a user's project.
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(REPO, path.join(dir, 'node_modules', 'sluice'), 'dir');
  return {
    dir,
    dags,
    write(rel, text) {
      const file = path.join(dags, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Config for a test: its own database (or embedded in its own home), its own dags folder, fast timers. */
export function testConfig(
  p: { dir: string; dags: string },
  databaseUrl: string | undefined,
  patch: Parameters<typeof withOverrides>[1] = {},
): Config {
  const base = resolveConfig(
    {
      DATABASE_URL: databaseUrl,
      SLUICE_HOME: path.join(p.dir, '.sluice'),
      SLUICE_DAGS_FOLDER: p.dags,
      SLUICE_WORKERS: '2',
    },
    p.dir,
  );
  return withOverrides(base, {
    executor: { pollMs: 100, heartbeatMs: 200 },
    scheduler: { tickMs: 100, zombieThresholdMs: 3000 },
    parse: { timeoutMs: 10_000 },
    ...patch,
  });
}

/** Runtime on a fresh database cloned from the template. */
export async function testRuntime(
  label: string,
  p: { dir: string; dags: string },
  patch: Parameters<typeof withOverrides>[1] = {},
): Promise<Runtime & { url: string }> {
  const db = await createTestDatabase(label);
  const rt = await openRuntime(testConfig(p, db.url, patch), { log: silentLogger, listen: true });
  return {
    ...rt,
    url: db.url,
    close: async () => {
      await rt.close();
      await db.drop();
    },
  };
}

/** A DAG file importing the public API by package name, as users write them. */
export function dagFile(body: string): string {
  return `import { defineDag, task } from 'sluice';\n${body}\n`;
}

export { writeFileSync };
