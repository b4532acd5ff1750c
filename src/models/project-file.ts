/**
 * `sluice_project.yml` at the project root (beside `sql/`), as dbt's `dbt_project.yml`: `vars:` of
 * any YAML type, `models:` defaults per folder under `sql/` (nearest folder wins, a model's own
 * config block wins over all) and `seeds:` settings, validated and kept for seeds. No file means no
 * project settings. Every problem is reported at its file position, all together.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type { JsonObject, JsonValue } from '../dag/types';
import { operatorConfig } from '../dag/operator-config';
import type { TemplateField } from '../dag/templated';
import { ValidationError, type Issue } from '../errors/errors';
import { isMaterialization, MATERIALIZATIONS, type Materialization } from './materializations/registry';
import { didYouMean } from '../util/did-you-mean';
import { lineIndex, normalizeNewlines } from '../util/text-position';
import { knownPairs, mapPairs, readString, readStringList, readYaml, valueNode, type YamlReader } from './yaml-read';

export const PROJECT_FILE = 'sluice_project.yml';

/** What a folder's models get unless their config block says otherwise (tags add up, as in dbt). */
export interface FolderDefaults {
  readonly materialized?: Materialization;
  readonly schema?: string;
  readonly tags?: readonly string[];
  /** Where the setting is written (`sluice_project.yml:7:18`), for errors about it. */
  readonly materializedAt?: string;
}

/** Reserved for seeds: the schema they load into and their columns' declared types. */
export interface SeedSettings {
  readonly schema?: string;
  readonly columnTypes: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface ProjectSettings {
  readonly vars: JsonObject;
  /** Folder under `sql/` (`''` for every model, `staging`, `staging/shop`) → its defaults. */
  readonly folders: ReadonlyMap<string, FolderDefaults>;
  readonly seeds: SeedSettings;
}

export const NO_SETTINGS: ProjectSettings = { vars: {}, folders: new Map(), seeds: { columnTypes: {} } };

const TOP_KEYS = ['vars', 'models', 'seeds'];
const FOLDER_KEYS = ['materialized', 'schema', 'tags'];
const SEED_KEYS = ['schema', 'column_types'];

export function loadProjectFile(root: string): { settings: ProjectSettings; issues: Issue[] } {
  const file = path.join(root, PROJECT_FILE);
  if (!existsSync(file)) return { settings: NO_SETTINGS, issues: [] };
  const text = normalizeNewlines(readFileSync(file, 'utf8'));
  const index = lineIndex(text);
  const { root: doc, reader } = readYaml(text, 0, index, PROJECT_FILE);
  const settings = { vars: {}, folders: new Map<string, FolderDefaults>(), seeds: { columnTypes: {} } };
  const empty = doc === null || (isScalar(doc) && doc.value === null);
  const where = (node: unknown) => {
    const before = reader.issues.length;
    reader.fail(node, '');
    const at = reader.issues.splice(before)[0];
    return `${at.file}:${at.line}:${at.column}`;
  };
  if (!empty) {
    for (const p of knownPairs(mapPairs(doc, PROJECT_FILE, reader) ?? [], TOP_KEYS, PROJECT_FILE, reader)) {
      if (p.key === 'vars') settings.vars = readVars(p.value, reader);
      else if (p.key === 'models') readFolder(p.value, [], path.join(root, 'sql'), settings.folders, reader, where);
      else settings.seeds = readSeeds(p.value, reader);
    }
  }
  return { settings, issues: reader.issues };
}

const isEmpty = (node: unknown) => node === null || node === undefined || (isScalar(node) && node.value === null);

function readVars(node: unknown, r: YamlReader): JsonObject {
  if (isEmpty(node)) return {};
  const out: Record<string, JsonValue> = {};
  for (const p of mapPairs(node, 'vars', r) ?? []) {
    const value = jsonOf(p.value, `vars.${p.key}`, r);
    if (value !== undefined) out[p.key] = value;
  }
  return out;
}

/** A YAML value as JSON (what `--vars` would give); anything JSON cannot hold is reported. */
function jsonOf(node: unknown, label: string, r: YamlReader): JsonValue | undefined {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    return r.fail(node, `${label}: ${String(v)} is not a value a var can hold (a string, number, boolean or null)`);
  }
  if (isSeq(node)) {
    const items = node.items.map((item, i) => jsonOf(item, `${label}[${i}]`, r));
    return items.includes(undefined) ? undefined : (items as JsonValue[]);
  }
  if (isMap(node)) {
    const out: Record<string, JsonValue> = {};
    for (const p of mapPairs(node, label, r) ?? []) {
      const v = jsonOf(p.value, `${label}.${p.key}`, r);
      if (v !== undefined) out[p.key] = v;
    }
    return out;
  }
  return r.fail(node, `${label}: aliases and tags are not supported in vars; write the value out`);
}

/**
 * `models:` and each folder under it: settings (`materialized`, `schema`, `tags`, dbt's `+` prefix
 * allowed) and subfolders, which must exist under `sql/` (so a misspelt setting is not taken for one).
 */
function readFolder(
  node: unknown,
  folder: readonly string[],
  dir: string,
  out: Map<string, FolderDefaults>,
  r: YamlReader,
  where: (node: unknown) => string,
): void {
  if (isEmpty(node)) return;
  const label = folder.length ? `models.${folder.join('.')}` : 'models';
  const pairs = mapPairs(node, label, r);
  if (!pairs) return;
  const subfolders = folderNames(dir);
  const defaults: { -readonly [K in keyof FolderDefaults]: FolderDefaults[K] } = {};
  for (const p of pairs) {
    const key = p.key.replace(/^\+/, '');
    if (FOLDER_KEYS.includes(key) && !(subfolders.includes(p.key) && !p.key.startsWith('+'))) {
      const setting = { ...p, key: `${label}.${key}` };
      if (key === 'materialized') {
        const m = readString(setting, r);
        if (m !== undefined && !isMaterialization(m))
          r.fail(
            valueNode(p),
            `${setting.key} must be one of ${MATERIALIZATIONS.join(', ')} (got "${m}")${didYouMean(m, MATERIALIZATIONS)}`,
          );
        else if (m !== undefined) {
          defaults.materialized = m;
          defaults.materializedAt = where(valueNode(p));
        }
      } else if (key === 'schema') defaults.schema = readString(setting, r);
      else defaults.tags = readStringList(setting, r);
    } else if (subfolders.includes(p.key)) {
      readFolder(p.value, [...folder, p.key], path.join(dir, p.key), out, r, where);
    } else {
      const known = [...FOLDER_KEYS, ...subfolders];
      r.fail(
        p.keyNode,
        `unknown key "${p.key}" in ${label}${didYouMean(p.key, known)}: a setting (${FOLDER_KEYS.join(', ')}) or a folder under ${['sql', ...folder].join('/')}/${subfolders.length ? ` (${subfolders.join(', ')})` : ' (it has none)'}`,
      );
    }
  }
  if (Object.keys(defaults).length) out.set(folder.join('/'), defaults);
}

function folderNames(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function readSeeds(node: unknown, r: YamlReader): SeedSettings {
  const out: { schema?: string; columnTypes: Record<string, Record<string, string>> } = { columnTypes: {} };
  if (isEmpty(node)) return out;
  for (const p of knownPairs(mapPairs(node, 'seeds', r) ?? [], SEED_KEYS, 'seeds', r)) {
    if (p.key === 'schema') out.schema = readString({ ...p, key: 'seeds.schema' }, r);
    else if (!isEmpty(p.value)) {
      for (const seed of mapPairs(p.value, 'seeds.column_types', r) ?? []) {
        const label = `seeds.column_types.${seed.key}`;
        const columns: Record<string, string> = {};
        for (const col of mapPairs(seed.value, `${label} (column: type)`, r) ?? []) {
          const type = readString({ ...col, key: `${label}.${col.key}` }, r);
          if (type !== undefined) columns[col.key] = type;
        }
        out.columnTypes[seed.key] = columns;
      }
    }
  }
  return out;
}

/**
 * The defaults for a model at `sql/<folders…>/<name>.sql`: every level from `models:` down to the
 * model's folder applied in turn, so the nearest folder wins; tags add up.
 */
export function folderDefaults(settings: ProjectSettings, folders: readonly string[]): FolderDefaults {
  let out: FolderDefaults = {};
  for (let depth = 0; depth <= folders.length; depth++) {
    const level = settings.folders.get(folders.slice(0, depth).join('/'));
    if (!level) continue;
    const tags = level.tags ? [...(out.tags ?? []), ...level.tags.filter((t) => !out.tags?.includes(t))] : out.tags;
    out = { ...out, ...level, ...(tags ? { tags } : {}) };
  }
  return out;
}

/**
 * The vars of `root`'s sluice_project.yml (none without one), for templated operator settings;
 * a mistake in the file is a ValidationError with its positions.
 */
export function projectVars(root: string): JsonObject {
  const { settings, issues } = loadProjectFile(root);
  if (issues.length) throw new ValidationError('MODEL_INVALID', path.join(root, PROJECT_FILE), issues);
  return settings.vars;
}

/** A templated operator setting as `render` reads it: its name for errors, the project's vars loaded when used. */
export function operatorField(field: string): TemplateField {
  return { field, vars: () => projectVars(operatorConfig().projectRoot) };
}
