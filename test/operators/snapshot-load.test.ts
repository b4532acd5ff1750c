import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_KINDS, openTestDb, type TestDb } from '../models/databases';
import { REPO } from '../support/sandbox';

/**
 * A reference CSV extracted whole every day (a snapshot source), landed per day as usual and loaded
 * with `replace: 'table'`: the raw table holds the latest snapshot, never the sum of the days.
 */
describe.each(DB_KINDS)('a whole-table load on %s', (kind) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-snapshot-'));
  const incoming = path.join(dir, 'incoming');
  let db: TestDb;
  beforeAll(async () => {
    mkdirSync(path.join(dir, 'dags'), { recursive: true });
    mkdirSync(incoming);
    // DAG files import 'sluice' by package name, as in a user's project.
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(REPO, path.join(dir, 'node_modules', 'sluice'), 'dir');
    writeFileSync(
      path.join(dir, 'dags', 'snap.ts'),
      `import { defineDag } from 'sluice';
import { filesToLake, loadToRaw } from 'sluice/operators';

export default defineDag({
  id: 'snap', schedule: '@daily', startDate: '2026-01-01',
  tasks: [
    filesToLake({ id: 'land', path: 'methods.csv', cwd: ${JSON.stringify(incoming)}, source: 'ref', dataset: 'methods',
      columns: [{ name: 'method', type: 'text', nullable: false }, { name: 'fee', type: 'numeric' }] }),
    loadToRaw({ id: 'load', upstream: ['land'], source: 'ref', dataset: 'methods', replace: 'table' }),
  ],
});
`,
    );
    db = await openTestDb(kind, 'snapshot-load');
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const test_ = (date: string) =>
    db.sluice(['dags', 'test', 'snap', '--date', date], dir, { SLUICE_DAGS_FOLDER: path.join(dir, 'dags') });

  test('a second day replaces the first; re-running a day leaves one snapshot', async () => {
    writeFileSync(path.join(incoming, 'methods.csv'), 'method,fee\ncard,0.3\ncash,0\n');
    expect((await test_('2026-01-01')).stdout).toMatch(/: success$/m);
    writeFileSync(path.join(incoming, 'methods.csv'), 'method,fee\ncard,0.25\ncash,0\ntransfer,0.1\n');
    const day2 = await test_('2026-01-02');
    expect(day2.stdout).toMatch(/: success$/m);
    const rows = () => db.sql(`SELECT method, fee::text AS fee, _ds::text AS ds FROM raw.ref_methods ORDER BY method`);
    expect(await rows()).toEqual([
      { method: 'card', fee: '0.25', ds: '2026-01-02' },
      { method: 'cash', fee: '0', ds: '2026-01-02' },
      { method: 'transfer', fee: '0.1', ds: '2026-01-02' },
    ]);
    expect((await test_('2026-01-02')).stdout).toMatch(/: success$/m);
    expect(await rows()).toHaveLength(3);
  }, 180_000);

  test('a replace other than partition or table is refused when the DAG file is parsed', async () => {
    writeFileSync(
      path.join(dir, 'dags', 'bad.ts'),
      `import { defineDag } from 'sluice';
import { loadToRaw } from 'sluice/operators';
export default defineDag({ id: 'bad', schedule: null, startDate: '2026-01-01',
  tasks: [loadToRaw({ id: 'load', source: 'ref', dataset: 'methods', replace: 'everything' as 'table' })] });
`,
    );
    const r = await db.sluice(['dags', 'check'], dir, { SLUICE_DAGS_FOLDER: path.join(dir, 'dags') });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /bad\.ts:\d+.*replace must be 'partition' or 'table', got the string "everything"/,
    );
    rmSync(path.join(dir, 'dags', 'bad.ts'));
  }, 120_000);
});
