/**
 * SQL model compile benchmark: a generated project of n models in three layers (staging reads
 * sources, intermediate refs staging, marts ref intermediate and staging; tags, config blocks, a
 * macro, ephemeral and incremental models), timed through `loadProject` + `compileProject`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from '../../src/models/project';
import { compileModels, writeCompiled } from '../../src/models/compile';
import type { RunContext } from '../../src/models/types';
import { median } from './stats';

const SOURCES = ['shop', 'crm', 'billing', 'web'];
const TABLES = ['orders', 'customers', 'payments', 'events', 'products', 'refunds'];

const pad = (i: number) => String(i).padStart(5, '0');

function staging(i: number): string {
  const src = SOURCES[i % SOURCES.length];
  const table = TABLES[i % TABLES.length];
  const config =
    i % 3 === 0
      ? `/* config\ntags: [${src}, staging]\ndescription: Cleaned ${src} ${table}, one row per id.\n*/\n`
      : '';
  return `${config}select
  id,
  lower(trim(name)) as name,
  {{> cents_to_dollars column="amount_cents"}} as amount,
  status,
  created_at,
  updated_at
from {{source "${src}" "${table}"}}
where created_at < {{data_interval_end}}
  and not deleted
`;
}

function intermediate(i: number, stagingNames: string[]): string {
  const a = stagingNames[i % stagingNames.length];
  const b = stagingNames[(i * 7 + 3) % stagingNames.length];
  const ephemeral = i % 10 === 0;
  const config = ephemeral
    ? '/* config\nmaterialized: ephemeral\n*/\n'
    : i % 4 === 0
      ? '/* config\nmaterialized: table\ntags: [intermediate]\n*/\n'
      : '';
  return `${config}with a as (
  select id, name, amount, status, updated_at from {{ref "${a}"}}
),
b as (
  select id, sum(amount) as total from {{ref "${b}"}} group by id
)
select a.*, coalesce(b.total, 0) as total
from a
left join b using (id)
where a.status in ({{#each vars.statuses}}{{this}}{{#unless @last}}, {{/unless}}{{/each}})
`;
}

function mart(i: number, intNames: string[], stagingNames: string[]): string {
  const a = intNames[i % intNames.length];
  const b = intNames[(i * 5 + 1) % intNames.length];
  const c = stagingNames[(i * 11) % stagingNames.length];
  const incremental = i % 5 === 0;
  const config = incremental
    ? `/* config\nmaterialized: incremental\nunique_key: [id]\ntags: [marts, daily]\ndescription: Mart ${i}, one row per id.\ncolumns:\n  id: { description: The id }\n  total: { description: Sum of amounts }\n*/\n`
    : '/* config\nmaterialized: table\ntags: [marts]\n*/\n';
  return `${config}select
  x.id,
  x.name,
  x.total + coalesce(y.total, 0) as total,
  z.created_at,
  {{ds}} as ds
from {{ref "${a}"}} x
left join {{ref "${b}"}} y using (id)
join {{ref "${c}"}} z using (id)
{{#if is_incremental}}
where x.updated_at > (select max(updated_at) from {{this}})
{{/if}}
`;
}

/** Writes `n` models (40% staging, 30% intermediate, 30% marts), sources.yml and one macro under `dir/sql`. */
export function generateModelProject(dir: string, n: number): void {
  const sql = path.join(dir, 'sql');
  for (const sub of ['staging', 'intermediate', 'marts', 'macros']) mkdirSync(path.join(sql, sub), { recursive: true });
  writeFileSync(
    path.join(sql, 'sources.yml'),
    SOURCES.map((s) => `${s}:\n  schema: raw\n  tables: [${TABLES.join(', ')}]\n`).join(''),
  );
  writeFileSync(path.join(sql, 'macros', 'cents_to_dollars.sql'), '({{column}} / 100.0)::numeric(16, 2)\n');
  const nStaging = Math.max(1, Math.round(n * 0.4));
  const nInt = Math.max(1, Math.round(n * 0.3));
  const nMarts = Math.max(0, n - nStaging - nInt);
  const stagingNames = Array.from({ length: nStaging }, (_, i) => `stg_${pad(i)}`);
  const intNames = Array.from({ length: nInt }, (_, i) => `int_${pad(i)}`);
  stagingNames.forEach((name, i) => writeFileSync(path.join(sql, 'staging', `${name}.sql`), staging(i)));
  intNames.forEach((name, i) =>
    writeFileSync(path.join(sql, 'intermediate', `${name}.sql`), intermediate(i, stagingNames)),
  );
  for (let i = 0; i < nMarts; i++)
    writeFileSync(path.join(sql, 'marts', `mart_${pad(i)}.sql`), mart(i, intNames, stagingNames));
}

export interface CompileTiming {
  readonly loadMs: number;
  /** `compileProject`: rendering (`renderMs`) plus writing the files (`writeMs`). */
  readonly compileMs: number;
  readonly renderMs: number;
  /** Disk-bound: 2,000 new files cost 0.1-1.5 s on the same VM depending on I/O load; unchanged files are not rewritten. */
  readonly writeMs: number;
  readonly totalMs: number;
}

export interface CompileMeasurement extends CompileTiming {
  readonly models: number;
  /** The first run in this process (module and JIT warm-up included). */
  readonly cold: CompileTiming;
  readonly runs: number;
}

const CTX: RunContext = {
  ds: '2026-03-01',
  dataIntervalStart: new Date('2026-03-01T00:00:00Z'),
  dataIntervalEnd: new Date('2026-03-02T00:00:00Z'),
  vars: { statuses: ['paid', 'shipped'] },
};

/**
 * Loads and compiles every model `runs` times (`compileProject` in its two halves, timed apart);
 * the timings are medians of the runs after the first, which is reported as `cold` (it also
 * writes every file for the first time).
 */
export function measureCompile(dir: string, runs = 5): CompileMeasurement {
  const out = mkdtempSync(path.join(os.tmpdir(), 'sluice-models-out-'));
  const timings: CompileTiming[] = [];
  let models = 0;
  try {
    for (let r = 0; r < Math.max(2, runs); r++) {
      const t0 = performance.now();
      const project = loadProject(dir);
      const t1 = performance.now();
      const compiled = compileModels(project, CTX, [...project.models.keys()]);
      const t2 = performance.now();
      writeCompiled(compiled, out);
      const t3 = performance.now();
      models = project.models.size;
      timings.push({ loadMs: t1 - t0, compileMs: t3 - t1, renderMs: t2 - t1, writeMs: t3 - t2, totalMs: t3 - t0 });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const warm = timings.slice(1);
  const med = (k: keyof CompileTiming) => median(warm.map((t) => t[k]));
  return {
    models,
    cold: timings[0],
    loadMs: med('loadMs'),
    compileMs: med('compileMs'),
    renderMs: med('renderMs'),
    writeMs: med('writeMs'),
    totalMs: med('totalMs'),
    runs: warm.length,
  };
}
