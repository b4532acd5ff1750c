/**
 * Seeds (as `dbt seed`): small CSVs in the project's `seeds/` folder, each loaded whole as a table.
 * `seeds/<schema>/<name>.csv` builds `<schema>.<name>` (as `sql/<schema>/<name>.sql` does for a
 * model); a CSV directly in `seeds/` goes to the schema `seeds`. Column types are inferred from the
 * values (infer-types.ts) unless `<name>.yml` beside the CSV declares them:
 *
 *     columns:
 *       code: text        # keeps leading zeros
 *       fee: numeric
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SluiceError, ValidationError, type Issue } from '../../errors/errors';
import { COLUMN_TYPES, compileColumn } from '../../lake/columns';
import type { ColumnSpec, ColumnType } from '../../lake/column-spec';
import { csvRecordParser, type CsvRecord } from '../../lake/csv-reader';
import { isMalformedRow } from '../../lake/malformed';
import { didYouMean, NAME_HINTS } from '../../util/did-you-mean';
import { lineIndex, normalizeNewlines } from '../../util/text-position';
import { loadProjectFile, type SeedSettings } from '../project-file';
import { knownPairs, mapPairs, readString, readYaml, valueNode } from '../yaml-read';
import { inferColumnType } from './infer-types';
import type { SeedNode } from '../types';

export const SEEDS_FOLDER = 'seeds';
/** The schema of a CSV directly in `seeds/`. */
export const DEFAULT_SEED_SCHEMA = 'seeds';
// Seeds are reference data read whole into memory and sent as one statement; bigger data is a source.
const MAX_SEED_BYTES = 32 * 1024 * 1024;

export interface Seed {
  readonly name: string;
  readonly schema: string;
  /** Relative to the project root (`seeds/ref/payment_methods.csv`). */
  readonly path: string;
  readonly columns: readonly ColumnSpec[];
  /** Columns whose type a YAML declares (the others' types are inferred from the values). */
  readonly declared: readonly string[];
  /** Each record's fields (null for an empty field) and the CSV line it starts on. */
  readonly rows: ReadonlyArray<readonly (string | null)[]>;
  readonly lines: readonly number[];
  /** Of the CSV's bytes and the columns it loads as: a changed file or declaration reloads the seed. */
  readonly checksum: string;
}

/** Every CSV under `<root>/seeds/`, by path; the folder may be absent. */
export function seedFiles(root: string): string[] {
  const dir = path.join(root, SEEDS_FOLDER);
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.csv')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Reads and checks every seed; all problems of all files are reported together (SEED_INVALID).
 * `sluice_project.yml`'s `seeds:` sets the schema of CSVs directly in `seeds/` and declares
 * column types (`column_types: { <seed>: { <column>: <type> } }`); a `<name>.yml` beside the CSV
 * wins over it column by column.
 */
export function loadSeeds(root: string): Seed[] {
  const project = loadProjectFile(root);
  const issues: Issue[] = [...project.issues];
  const seeds: Seed[] = [];
  const byName = new Map<string, string>();
  const settings = project.settings.seeds;
  const files = seedFiles(root);
  const names = new Set(files.map((f) => path.basename(f, '.csv')));
  for (const name of Object.keys(settings.columnTypes))
    if (!names.has(name))
      issues.push({
        file: 'sluice_project.yml',
        message: `seeds.column_types names seed "${name}", but seeds/ has no ${name}.csv`,
      });
  for (const file of files) {
    const seed = readSeed(root, file, settings, issues);
    if (!seed) continue;
    const other = byName.get(seed.name);
    if (other)
      issues.push({ file: seed.path, message: `seed ${seed.name} is also ${other}: seed names must be unique` });
    byName.set(seed.name, seed.path);
    seeds.push(seed);
  }
  if (issues.length) throw new ValidationError('SEED_INVALID', 'seeds', issues);
  return seeds;
}

/**
 * Seed name → where it is and the table it builds, from the file names alone, for models' refs
 * (the files' contents are checked when seeds load; a misplaced or duplicate file is reported there).
 */
export function seedCatalog(root: string, settings: SeedSettings): Map<string, SeedNode> {
  const out = new Map<string, SeedNode>();
  for (const file of seedFiles(root)) {
    const at = seedLocation(root, file, settings, []);
    if (at && !out.has(at.name)) out.set(at.name, at);
  }
  return out;
}

/** The seeds `select` names (every seed without it); an unknown name is an error with a did-you-mean. */
export function selectSeeds(all: readonly Seed[], select?: readonly string[]): Seed[] {
  if (!select) return [...all];
  return select.map((name) => {
    const seed = all.find((s) => s.name === name);
    if (seed) return seed;
    throw new SluiceError(
      'SEED_INVALID',
      `no seed named "${name}" in seeds/${didYouMean(
        name,
        all.map((s) => s.name),
      )}${all.length ? '' : ' (the folder has no CSV files)'}`,
    );
  });
}

/**
 * The seed a CSV under `seeds/` builds: `seeds/<schema>/<name>.csv`, or `seeds/<name>.csv` in the
 * project file's `seeds.schema` (default `seeds`). A deeper file is an issue.
 */
function seedLocation(root: string, file: string, settings: SeedSettings, issues: Issue[]): SeedNode | undefined {
  const rel = path.relative(root, file).split(path.sep).join('/');
  const parts = rel.split('/');
  if (parts.length > 3) {
    issues.push({ file: rel, message: 'a seed lives in seeds/<name>.csv or seeds/<schema>/<name>.csv' });
    return undefined;
  }
  const name = parts[parts.length - 1].slice(0, -'.csv'.length);
  return { name, schema: parts.length === 3 ? parts[1] : (settings.schema ?? DEFAULT_SEED_SCHEMA), path: rel };
}

function readSeed(root: string, file: string, settings: SeedSettings, issues: Issue[]): Seed | undefined {
  const at = seedLocation(root, file, settings, issues);
  if (!at) return undefined;
  const { name, schema, path: rel } = at;
  const size = statSync(file).size;
  if (size > MAX_SEED_BYTES) {
    issues.push({
      file: rel,
      message: `${size} bytes: a seed holds at most ${MAX_SEED_BYTES} bytes (load bigger data as a source with filesToLake and loadToRaw)`,
    });
    return undefined;
  }
  const bytes = readFileSync(file);
  const records = parseCsv(bytes.toString('utf8'), rel, issues);
  if (!records) return undefined;
  if (!records.length) {
    issues.push({ file: rel, message: 'the file is empty: a seed needs a header row naming its columns' });
    return undefined;
  }
  const [header, ...body] = records;
  const names = header.fields.map((f) => f ?? '');
  const before = issues.length;
  names.forEach((n, i) => {
    if (!n) issues.push({ file: rel, line: header.line, message: `column ${i + 1} has no name in the header` });
    else if (names.indexOf(n) !== i)
      issues.push({ file: rel, line: header.line, message: `column "${n}" appears twice` });
  });
  for (const r of body)
    if (r.fields.length !== names.length)
      issues.push({ file: rel, line: r.line, message: `${r.fields.length} fields, the header has ${names.length}` });
  if (issues.length > before) return undefined;

  const fromProject = projectTypes(settings.columnTypes[name] ?? {}, name, names, issues);
  const beside = readDeclaredTypes(file.replace(/\.csv$/, '.yml'), root, names, issues);
  const declared = new Map([...fromProject, ...(beside ?? [])]);
  const columns = names.map<ColumnSpec>((n, i) => ({
    name: n,
    type: declared?.get(n) ?? inferColumnType(body.map((r) => r.fields[i])),
  }));
  // Declared types are checked value by value here, so a bad value is reported at its line.
  const converters = columns.map((c) => compileColumn(c, { input: 'text' }));
  for (const r of body) {
    r.fields.forEach((v, i) => {
      try {
        converters[i](v === '' ? null : v, `line ${r.line}`);
      } catch (e) {
        if (!isMalformedRow(e)) throw e;
        issues.push({ file: rel, line: r.line, message: e.message.replace(/^line \d+: /, '') });
      }
    });
  }
  if (issues.length > before) return undefined;
  const checksum = createHash('sha256').update(bytes).update(JSON.stringify(columns)).digest('hex');
  return {
    name,
    schema,
    path: rel,
    columns,
    declared: [...declared.keys()],
    rows: body.map((r) => r.fields.map((v) => (v === '' ? null : v))),
    lines: body.map((r) => r.line),
    checksum,
  };
}

/** The project file's `seeds.column_types.<seed>`, checked against the CSV's header and the types. */
function projectTypes(
  types: Readonly<Record<string, string>>,
  seed: string,
  names: readonly string[],
  issues: Issue[],
): Map<string, ColumnType> {
  const out = new Map<string, ColumnType>();
  for (const [column, type] of Object.entries(types)) {
    const where = { file: 'sluice_project.yml' };
    if (!names.includes(column))
      issues.push({
        ...where,
        message: `seeds.column_types.${seed}: column "${column}" is not in seed ${seed}'s header${didYouMean(column, names, NAME_HINTS)}`,
      });
    else if (!(COLUMN_TYPES as readonly string[]).includes(type))
      issues.push({
        ...where,
        message: `seeds.column_types.${seed}.${column}: unknown type "${type}" (one of ${COLUMN_TYPES.join(', ')})`,
      });
    else out.set(column, type as ColumnType);
  }
  return out;
}

function parseCsv(text: string, rel: string, issues: Issue[]): CsvRecord[] | undefined {
  const parser = csvRecordParser({}, rel);
  const out: CsvRecord[] = [];
  parser.push(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, out);
  parser.end(out);
  const bad = out.filter((r) => r.error);
  for (const r of bad) issues.push({ file: rel, line: r.line, message: r.error! });
  return bad.length ? undefined : out.filter((r) => !(r.fields.length === 1 && r.fields[0] === null));
}

/** `<name>.yml` beside the CSV: `columns: { name: type }` for some or all columns. */
function readDeclaredTypes(
  file: string,
  root: string,
  names: readonly string[],
  issues: Issue[],
): Map<string, ColumnType> | undefined {
  if (!existsSync(file)) return undefined;
  const rel = path.relative(root, file).split(path.sep).join('/');
  const text = normalizeNewlines(readFileSync(file, 'utf8'));
  const { root: doc, reader } = readYaml(text, 0, lineIndex(text), rel);
  const out = new Map<string, ColumnType>();
  if (doc !== null && doc !== undefined) {
    const pairs = knownPairs(mapPairs(doc, rel, reader) ?? [], ['columns'], rel, reader);
    const columns = pairs.find((p) => p.key === 'columns');
    for (const c of columns ? (mapPairs(valueNode(columns), 'columns', reader) ?? []) : []) {
      if (!names.includes(c.key)) {
        reader.fail(c.keyNode, `column "${c.key}" is not in the CSV's header${didYouMean(c.key, names, NAME_HINTS)}`);
        continue;
      }
      const type = readString(c, reader, `the type of column ${c.key}`);
      if (type === undefined) continue;
      if (!(COLUMN_TYPES as readonly string[]).includes(type)) {
        reader.fail(
          valueNode(c),
          `column ${c.key}: unknown type "${type}"${didYouMean(type, COLUMN_TYPES, NAME_HINTS)} (one of ${COLUMN_TYPES.join(', ')})`,
        );
        continue;
      }
      out.set(c.key, type as ColumnType);
    }
  }
  issues.push(...reader.issues);
  return out;
}
