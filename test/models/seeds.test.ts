import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../src/errors/errors';
import { inferColumnType } from '../../src/models/seeds/infer-types';
import { seeds } from '../../operators/seeds';
import { loadSeeds } from '../../src/models/seeds/seed-files';
import { DB_KINDS, openTestDb, type TestDb } from './databases';
import { REPO } from '../support/sandbox';

function project(files: Record<string, string>): {
  dir: string;
  write(rel: string, text: string): void;
  cleanup(): void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-seeds-'));
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => `${i.file}:${i.line ?? ''}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('column types of a seed', () => {
  test('are inferred narrowest first, from every non-empty value', () => {
    expect(inferColumnType(['1', '-2', null, ''])).toBe('integer');
    expect(inferColumnType(['1', '3000000000'])).toBe('bigint');
    expect(inferColumnType(['1', '2.50', '-.5', '1e3'])).toBe('numeric');
    expect(inferColumnType(['true', 'FALSE', null])).toBe('boolean');
    expect(inferColumnType(['2026-01-31', '2024-02-29'])).toBe('date');
    expect(inferColumnType(['2026-01-31 10:00:00', '2026-01-31T11:30:00.5'])).toBe('timestamp');
    expect(inferColumnType(['2026-01-31T10:00:00Z', '2026-01-31 10:00:00+02:00'])).toBe('timestamptz');
    expect(inferColumnType(['card', '1'])).toBe('text');
    // A leading zero is kept: 007 is a code, not the number 7.
    expect(inferColumnType(['007', '123'])).toBe('text');
    expect(inferColumnType(['2026-02-30'])).toBe('text');
    expect(inferColumnType([null, ''])).toBe('text');
  });

  test('are declared in a YAML beside the CSV; every mistake is reported with file and line', () => {
    const p = project({
      'seeds/ref/methods.csv': 'code,fee,active\n01,0.3,true\n02,x,false\n03,0.1\n',
      'seeds/ref/methods.yml': 'columns:\n  code: text\n  fee: numeric\n  activ: boolean\n  other: numbr\n',
      'seeds/ok.csv': 'a\n1\n',
    });
    try {
      expect(issuesOf(() => loadSeeds(p.dir))).toEqual(['seeds/ref/methods.csv:4: 2 fields, the header has 3']);
      p.write('seeds/ref/methods.csv', 'code,fee,active\n01,0.3,true\n02,x,false\n');
      expect(issuesOf(() => loadSeeds(p.dir))).toEqual([
        'seeds/ref/methods.yml:4: column "activ" is not in the CSV\'s header (did you mean "active"?)',
        'seeds/ref/methods.yml:5: column "other" is not in the CSV\'s header',
        'seeds/ref/methods.csv:3: column "fee" (numeric): "x" is not a number',
      ]);
      p.write('seeds/ref/methods.yml', 'columns:\n  code: text\n  fee: numbr\n');
      expect(issuesOf(() => loadSeeds(p.dir))[0]).toMatch(
        /^seeds\/ref\/methods\.yml:3: column fee: unknown type "numbr" \(one of text, integer, bigint, numeric/,
      );
      p.write('seeds/ref/methods.yml', 'columns:\n  code: text\n');
      p.write('seeds/ref/methods.csv', 'code,fee,active\n01,0.3,true\n02,0,false\n');
      const [methods, ok] = loadSeeds(p.dir).sort((a, b) => a.name.localeCompare(b.name));
      expect(methods).toMatchObject({ name: 'methods', schema: 'ref', path: 'seeds/ref/methods.csv' });
      expect(methods.columns).toEqual([
        { name: 'code', type: 'text' },
        { name: 'fee', type: 'numeric' },
        { name: 'active', type: 'boolean' },
      ]);
      expect(ok).toMatchObject({ name: 'ok', schema: 'seeds', columns: [{ name: 'a', type: 'integer' }] });
    } finally {
      p.cleanup();
    }
  });
});

test('sluice_project.yml sets the schema of seeds/*.csv and declares column types; the YAML beside a seed wins', () => {
  const p = project({
    'seeds/countries.csv': 'code,name,since\n01,Andorra,2026-01-01\n',
    'seeds/countries.yml': 'columns:\n  since: text\n',
    'sluice_project.yml':
      'seeds:\n  schema: reference\n  column_types:\n    countries: { code: text, name: text, since: date }\n',
  });
  try {
    const [countries] = loadSeeds(p.dir);
    expect(countries).toMatchObject({ schema: 'reference', name: 'countries' });
    expect(countries.columns).toEqual([
      { name: 'code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'since', type: 'text' },
    ]);
    p.write(
      'sluice_project.yml',
      'seeds:\n  column_types:\n    contries: { code: text }\n    countries: { cod: text, name: txt }\n',
    );
    expect(issuesOf(() => loadSeeds(p.dir))).toEqual([
      'sluice_project.yml:: seeds.column_types names seed "contries", but seeds/ has no contries.csv',
      'sluice_project.yml:: seeds.column_types.countries: column "cod" is not in seed countries\'s header (did you mean "code"?)',
      'sluice_project.yml:: seeds.column_types.countries.name: unknown type "txt" (one of text, integer, bigint, numeric, double, boolean, date, timestamp, timestamptz, jsonb)',
    ]);
  } finally {
    p.cleanup();
  }
});

test('seeds() names an unknown seed when the DAG file is parsed', () => {
  const p = project({ 'seeds/ref/methods.csv': 'code\n01\n' });
  try {
    expect(seeds({ id: 'seed', projectDir: p.dir }).produces).toEqual(['ref.methods']);
    expect(() => seeds({ id: 'seed', select: ['methds'], projectDir: p.dir })).toThrow(
      /no seed named "methds" in seeds\/ \(did you mean "methods"\?\)/,
    );
  } finally {
    p.cleanup();
  }
});

describe.each(DB_KINDS)('sluice seed on %s', (kind) => {
  let db: TestDb;
  const p = project({ 'seeds/ref/methods.csv': 'code,fee,since\n01,0.3,2026-01-01\n02,,2026-02-01\n' });
  beforeAll(async () => {
    db = await openTestDb(kind, 'seeds');
    mkdirSync(path.join(p.dir, 'node_modules'), { recursive: true });
    symlinkSync(REPO, path.join(p.dir, 'node_modules', 'sluice'), 'dir'); // DAG files import 'sluice'
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    p.cleanup();
  });
  const rows = () => db.sql(`SELECT code, fee::text AS fee, since::text AS since FROM ref.methods ORDER BY code`);

  test('loads a seed, leaves an unchanged one alone, replaces a changed one, and keeps it when a value is bad', async () => {
    const first = await db.sluice(['seed', '--json'], p.dir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([
      expect.objectContaining({ relation: 'ref.methods', status: 'created', rows: 2 }),
    ]);
    expect(await rows()).toEqual([
      { code: '01', fee: '0.3', since: '2026-01-01' },
      { code: '02', fee: null, since: '2026-02-01' },
    ]);
    const types = await db.sql(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'ref' AND table_name = 'methods' ORDER BY ordinal_position`,
    );
    expect(types.map((t) => `${t.column_name} ${t.data_type}`)).toEqual(['code text', 'fee numeric', 'since date']);

    const again = await db.sluice(['seed'], p.dir);
    expect(again.stdout).toMatch(/^unchanged ref\.methods \(2 rows\) from seeds\/ref\/methods\.csv$/m);

    p.write('seeds/ref/methods.csv', 'code,fee,since\n01,0.25,2026-01-01\n02,0,2026-02-01\n03,0.1,2026-03-01\n');
    const changed = await db.sluice(['seed'], p.dir);
    expect(changed.stdout).toMatch(/^replaced\s+ref\.methods \(3 rows\)/m);
    expect(await rows()).toHaveLength(3);

    // Inferred, a column with a bad date would just be text; declared, the bad value is an error.
    p.write('seeds/ref/methods.yml', 'columns:\n  since: date\n');
    p.write('seeds/ref/methods.csv', 'code,fee,since\n01,0.25,2026-01-01\n02,0,2026-02-31\n');
    const bad = await db.sluice(['seed'], p.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/seeds\/ref\/methods\.csv:3.*column "since" \(date\): "2026-02-31" is not a valid date/);
    expect(await rows()).toHaveLength(3); // the table as it was

    const full = await db.sluice(['seed', 'methods', '--full-refresh'], p.dir);
    expect(full.code).toBe(1); // still the bad file
    p.write('seeds/ref/methods.csv', 'code,fee,since\n01,0.25,2026-01-01\n');
    expect((await db.sluice(['seed', 'methods', '--full-refresh'], p.dir)).stdout).toMatch(/^replaced/m);
    expect((await db.sluice(['seed', 'methods', '--full-refresh'], p.dir)).stdout).toMatch(/^replaced/m);
    const unknown = await db.sluice(['seed', 'methds'], p.dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no seed named "methds" in seeds\/ \(did you mean "methods"\?\)/);
  }, 240_000);

  test('a seeds() task loads them in a DAG, produces their tables and says what it did', async () => {
    p.write('seeds/ref/methods.csv', 'code,fee,since\n01,0.5,2026-01-01\n');
    p.write(
      'dags/seeded.ts',
      `import { defineDag, task } from 'sluice';
import { seeds } from 'sluice/operators';
export default defineDag({ id: 'seeded', schedule: null, startDate: '2026-01-01', tasks: [
  seeds({ id: 'seed' }),
  task({ id: 'read', consumes: ['ref.methods'], run: async (ctx) =>
    (await ctx.warehouse.query('SELECT fee::text AS fee FROM ref.methods')).rows[0].fee }),
] });
`,
    );
    const env = { SLUICE_DAGS_FOLDER: path.join(p.dir, 'dags') };
    const run = await db.sluice(['dags', 'test', 'seeded'], p.dir, env);
    expect(run.stdout).toMatch(/: success$/m);
    const [seedTask] = await db.sql(
      `SELECT v.value FROM sluice.task_return v WHERE v.task_id = 'seed' ORDER BY v.run_id DESC LIMIT 1`,
    );
    expect(seedTask.value).toEqual({
      seeds: [{ relation: 'ref.methods', status: expect.stringMatching(/^(created|replaced)$/), rows: 1 }],
    });
    const [read] = await db.sql(
      `SELECT v.value FROM sluice.task_return v WHERE v.task_id = 'read' ORDER BY v.run_id DESC LIMIT 1`,
    );
    expect(read.value).toBe('0.5');
    const again = await db.sluice(['dags', 'test', 'seeded'], p.dir, env);
    expect(again.stdout).toMatch(/: success$/m);
    const [second] = await db.sql(
      `SELECT v.value FROM sluice.task_return v WHERE v.task_id = 'seed' ORDER BY v.run_id DESC LIMIT 1`,
    );
    expect(second.value).toEqual({ seeds: [{ relation: 'ref.methods', status: 'unchanged', rows: 1 }] });
  }, 240_000);

  test('models ref seeds: the model task runs after the seeds task, lineage shows the seed, a reload keeps the view', async () => {
    p.write('seeds/ref/methods.csv', 'code,fee,since\n01,0.5,2026-01-01\n02,0.25,2026-01-01\n');
    p.write('sql/staging/stg_fees.sql', 'select code, fee * 100 as fee_cents from {{ref "methods"}}\n');
    p.write(
      'dags/seeded_models.ts',
      `import { defineDag } from 'sluice';
import { seeds, sqlModels } from 'sluice/operators';
export default defineDag({ id: 'seeded_models', schedule: null, startDate: '2026-01-01', tasks: [
  ...sqlModels(),
  seeds({ id: 'load_seeds' }),
] });
`,
    );
    const env = { SLUICE_DAGS_FOLDER: path.join(p.dir, 'dags') };
    p.write('seeds/ref/tiers.csv', 'tier\ngold\n');
    p.write('sql/staging/stg_tiers.sql', 'select tier from {{ref "tiers"}}\n');
    const unloaded = await db.sluice(['models', 'run', '--select', 'stg_tiers'], p.dir, env);
    expect(unloaded.code).toBe(1);
    expect(unloaded.stdout + unloaded.stderr).toMatch(
      /hint: ref\.tiers is the seed seeds\/ref\/tiers\.csv, not loaded yet: run `sluice seed tiers`/,
    );
    const run = await db.sluice(['dags', 'test', 'seeded_models'], p.dir, env);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/: success$/m);
    const order = await db.sql(
      `SELECT task_id FROM sluice.task_instance WHERE dag_id = 'seeded_models' ORDER BY end_date, task_id`,
    );
    expect(order.map((t) => t.task_id)).toEqual(['load_seeds', 'stg_fees', 'stg_tiers']);
    expect(await db.sql(`SELECT code, fee_cents::int AS c FROM staging.stg_fees ORDER BY code`)).toEqual([
      { code: '01', c: 50 },
      { code: '02', c: 25 },
    ]);

    const lineage = JSON.parse((await db.sluice(['models', 'lineage', '--json'], p.dir, env)).stdout);
    expect(lineage.seeds).toEqual([
      {
        name: 'methods',
        table: 'ref.methods',
        path: 'seeds/ref/methods.csv',
        producedBy: expect.arrayContaining([{ dag: 'seeded_models', task: 'load_seeds' }]),
        usedBy: ['stg_fees'],
      },
      {
        name: 'tiers',
        table: 'ref.tiers',
        path: 'seeds/ref/tiers.csv',
        producedBy: expect.arrayContaining([{ dag: 'seeded_models', task: 'load_seeds' }]),
        usedBy: ['stg_tiers'],
      },
    ]);
    expect(lineage.models.find((m: { name: string }) => m.name === 'stg_fees')).toMatchObject({
      models: [],
      seeds: ['methods'],
    });
    const text = await db.sluice(['models', 'lineage'], p.dir, env);
    expect(text.stdout).toMatch(/^methods\s+ref\.methods\s+.*seeded_models\.load_seeds.*stg_fees/m);
    expect(text.stdout).toMatch(/^stg_fees\s+view\s+seed:methods/m);

    // The view on the seed survives its table being replaced, and reads the new rows.
    p.write('seeds/ref/methods.csv', 'code,fee,since\n01,0.75,2026-01-01\n');
    expect((await db.sluice(['seed', 'methods'], p.dir, env)).stdout).toMatch(/^replaced/m);
    expect(await db.sql(`SELECT code, fee_cents::int AS c FROM staging.stg_fees`)).toEqual([{ code: '01', c: 75 }]);
    // A declared type the view cannot take: the seed is not loaded, and the message says what to change.
    p.write('seeds/ref/methods.yml', 'columns:\n  fee: text\n');
    const misfit = await db.sluice(['seed', 'methods'], p.dir, env);
    expect(misfit.code).toBe(1);
    expect(misfit.stderr).toMatch(
      /error: seed "methods" failed \(seeds\/ref\/methods\.csv\): view staging\.stg_fees \(built by model sql\/staging\/stg_fees\.sql\) depends on "ref"\."methods" and no longer fits it: .*Nothing was replaced: change that model to fit the seed's new columns/,
    );
    expect(await db.sql(`SELECT code, fee_cents::int AS c FROM staging.stg_fees`)).toEqual([{ code: '01', c: 75 }]);
    rmSync(path.join(p.dir, 'seeds/ref/methods.yml'));
  }, 240_000);

  test("a value that would change a loaded column's inferred type is an error at its line; a declared type or --full-refresh changes it", async () => {
    p.write('seeds/ref/fees.csv', 'code,amount,since\n1,100,2026-01-01\n2,250,2026-01-02\n');
    expect((await db.sluice(['seed', 'fees'], p.dir)).code).toBe(0);
    p.write('seeds/ref/fees.csv', 'code,amount,since\n1,100,2026-01-01\n2,25O,2026-01-5\n');
    const bad = await db.sluice(['seed', 'fees'], p.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'seeds/ref/fees.csv:3: column "amount" was loaded as integer and would now be text: "25O" is not a number. Fix the value, or declare the type in seeds/ref/fees.yml (columns: { amount: text }), or load with --full-refresh to take the new type',
    );
    expect(bad.stderr).toMatch(
      /seeds\/ref\/fees\.csv:3: column "since" was loaded as date and would now be text: .*"2026-01-5"/,
    );
    const types = () =>
      db.sql(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'ref' AND table_name = 'fees' ORDER BY ordinal_position`,
      );
    expect((await types()).map((t) => t.data_type)).toEqual(['integer', 'integer', 'date']);
    p.write('seeds/ref/fees.yml', 'columns:\n  amount: text\n');
    const still = await db.sluice(['seed', 'fees'], p.dir);
    expect(still.stderr).not.toContain('column "amount"');
    expect(still.stderr).toContain('column "since" was loaded as date');
    expect((await db.sluice(['seed', 'fees', '--full-refresh'], p.dir)).code).toBe(0);
    expect((await types()).map((t) => t.data_type)).toEqual(['integer', 'text', 'text']);
  }, 240_000);
});
