import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');

interface Zone {
  readonly target: string;
}

/** The layers as ESLint enforces them: each zone's target, top to bottom. */
function enforcedLayers(): string[] {
  const configs = require(path.join(REPO, 'eslint.config.js')) as Array<{ rules?: Record<string, unknown> }>;
  const rule = configs.find((c) => c.rules?.['import-x/no-restricted-paths'])!.rules!['import-x/no-restricted-paths'];
  const zones = (rule as [string, { zones: Zone[] }])[1].zones;
  return zones.map((z) => path.basename(z.target));
}

test('src/README.md draws the layers ESLint enforces, in the same order, one line per folder', () => {
  const readme = readFileSync(path.join(REPO, 'src/README.md'), 'utf8');
  const block = readme.split('```')[1];
  const drawn = block
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split(/\s+/)[0]);
  expect(drawn).toEqual(enforcedLayers());
});

test('every folder of src/ has its place in the layers', () => {
  const folders = readdirSync(path.join(REPO, 'src'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  expect(folders.sort()).toEqual(
    enforcedLayers()
      .filter((f) => f !== 'operators')
      .sort(),
  );
});
