import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { walkDagFiles } from '../../src/dagfiles/walk';

const root = mkdtempSync(path.join(os.tmpdir(), 'sluice-walk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const touch = (rel: string) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), '');
};

test('.sluiceignore leaves out folders and files by glob; node_modules, dot folders and .d.ts are always left out', async () => {
  for (const f of [
    'a.ts',
    'lib/helpers.ts',
    'team/lib/x.ts',
    'team/etl.ts',
    'team/scratch_1.ts',
    'types.d.ts',
    'node_modules/m/i.ts',
    '.cache/c.ts',
    'liberal.ts',
  ])
    touch(f);
  const rel = async () => (await walkDagFiles(root)).map((f) => path.relative(root, f.path).split(path.sep).join('/'));
  expect(await rel()).toEqual([
    'a.ts',
    'lib/helpers.ts',
    'liberal.ts',
    'team/etl.ts',
    'team/lib/x.ts',
    'team/scratch_1.ts',
  ]);
  writeFileSync(path.join(root, '.sluiceignore'), '# helper modules, not DAGs\nlib/\nteam/scratch_*.ts\n');
  expect(await rel()).toEqual(['a.ts', 'liberal.ts', 'team/etl.ts']);
});
