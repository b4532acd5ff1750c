/**
 * A model's optional config block: a `/* config … *\/` comment of YAML at the top of the file
 * (blank lines may precede it). Every problem is reported at its own line and column of the file.
 */
import { isMap, isScalar } from 'yaml';
import type { Issue } from '../errors/errors';
import { didYouMean } from '../util/did-you-mean';
import {
  DEFAULT_MATERIALIZATION,
  isMaterialization,
  MATERIALIZATIONS,
  materializationOf,
  type Materialization,
} from './materializations/registry';
import type { ModelConfig } from './types';
import type { FolderDefaults } from './project-file';
import { lineIndex, positionAt } from '../util/text-position';
import { MAX_IDENT_BYTES } from './template/sql-values';
import {
  knownPairs,
  mapPairs,
  readString,
  readStringList,
  readYaml,
  valueNode,
  type YamlPair,
  type YamlReader,
} from './yaml-read';

const KEYS = ['materialized', 'unique_key', 'tags', 'description', 'schema', 'columns'];

export interface ConfigBlock {
  readonly config: ModelConfig;
  /** The file's text after the block (the whole text when there is none). */
  readonly template: string;
  /** 1-based line of the file where `template` starts. */
  readonly templateLine: number;
  readonly issues: readonly Issue[];
  /** Where the block sets `schema:` (line and column in the file), for errors about the schema. */
  readonly schemaAt?: { readonly line: number; readonly column: number };
}

/** Settings the block writes, for errors pointing at them. */
interface Seen {
  schema?: unknown;
  materialized?: unknown;
}

const OPENING = /^\s*\/\*[ \t]*config\b/;

/**
 * Splits off and validates the config block; `folderSchema` is the schema the model's folder names,
 * `folder` the defaults sluice_project.yml gives its folder (the block wins; tags add up).
 */
export function parseConfigBlock(
  text: string,
  file: string,
  folderSchema: string,
  folder: FolderDefaults = {},
): ConfigBlock {
  const defaults: ModelConfig = {
    materialized: folder.materialized ?? DEFAULT_MATERIALIZATION,
    schema: folder.schema ?? folderSchema,
    uniqueKey: [],
    tags: folder.tags ?? [],
    columns: {},
  };
  const open = OPENING.exec(text);
  if (!open) {
    const issues = folderUniqueKeyIssue(defaults, folder, file, { line: 1, column: 1 });
    return { config: defaults, template: text, templateLine: 1, issues };
  }
  const index = lineIndex(text);
  const yamlStart = open.index + open[0].length;
  const close = text.indexOf('*/', yamlStart);
  if (close === -1) {
    const at = positionAt(index, open[0].length - open[0].trimStart().length);
    return {
      config: defaults,
      template: '',
      templateLine: 1,
      issues: [{ message: 'the config block is not closed with */', file, ...at }],
    };
  }
  const { root, reader } = readYaml(text.slice(yamlStart, close), yamlStart, index, file);
  const seen: Seen = {};
  const config =
    root === null || (isScalar(root) && root.value === null) ? defaults : readConfig(root, defaults, reader, seen);
  const blockAt = positionAt(index, open.index + open[0].length - open[0].trimStart().length);
  if (!seen.materialized) reader.issues.push(...folderUniqueKeyIssue(config, folder, file, blockAt));
  const range = (seen.schema as { range?: [number, number, number] } | undefined)?.range;
  const schemaAt = range ? positionAt(index, yamlStart + range[0]) : undefined;
  return { config, ...templateAfter(text, close + 2, index), issues: reader.issues, ...(schemaAt ? { schemaAt } : {}) };
}

/**
 * The template starts on the line after `*\/`; text on the same line as `*\/` is kept, padded with
 * spaces so that its columns stay the file's.
 */
function templateAfter(
  text: string,
  after: number,
  index: ReturnType<typeof lineIndex>,
): { template: string; templateLine: number } {
  const { line, column } = positionAt(index, after);
  const eol = text.indexOf('\n', after);
  const restOfLine = text.slice(after, eol === -1 ? text.length : eol);
  if (restOfLine.trim() === '') return { template: eol === -1 ? '' : text.slice(eol + 1), templateLine: line + 1 };
  return { template: ' '.repeat(column - 1) + text.slice(after), templateLine: line };
}

function readConfig(root: unknown, defaults: ModelConfig, r: YamlReader, seen: Seen): ModelConfig {
  const pairs = mapPairs(root, 'the config block', r);
  if (!pairs) return defaults;
  const out: { -readonly [K in keyof ModelConfig]: ModelConfig[K] } = { ...defaults };
  let materializedPair: YamlPair | undefined;
  for (const p of knownPairs(pairs, KEYS, 'the config block', r)) {
    switch (p.key) {
      case 'materialized': {
        materializedPair = p;
        seen.materialized = p;
        const m = readMaterialization(p, r);
        if (m) out.materialized = m;
        break;
      }
      case 'unique_key':
        out.uniqueKey = readIdentifiers(p, r, readStringList(p, r)) ?? out.uniqueKey;
        break;
      case 'tags':
        {
          const own = readStringList(p, r) ?? [];
          out.tags = [...defaults.tags, ...own.filter((t) => !defaults.tags.includes(t))];
          break;
        }
        break;
      case 'description':
        out.description = readString(p, r);
        break;
      case 'schema':
        seen.schema = valueNode(p);
        out.schema = readIdentifiers(p, r, [readString(p, r)])?.[0] ?? out.schema;
        break;
      case 'columns':
        out.columns = readColumns(p, r);
        break;
    }
  }
  if (materializationOf(out.materialized).requiresUniqueKey && out.uniqueKey.length === 0 && materializedPair) {
    r.fail(
      valueNode(materializedPair),
      `materialized: ${out.materialized} needs unique_key (the column or columns identifying a row)`,
    );
  }
  return out;
}

/** An incremental default from sluice_project.yml needs the model's own unique_key. */
function folderUniqueKeyIssue(
  config: ModelConfig,
  folder: FolderDefaults,
  file: string,
  at: { line: number; column: number },
): Issue[] {
  if (!folder.materialized || config.materialized !== folder.materialized) return [];
  if (!materializationOf(config.materialized).requiresUniqueKey || config.uniqueKey.length) return [];
  return [
    {
      message: `materialized: ${config.materialized} (from ${folder.materializedAt ?? 'sluice_project.yml'}) needs unique_key in the model's config block (the column or columns identifying a row)`,
      file,
      ...at,
    },
  ];
}

/** Names Postgres would cut (over 63 bytes) are refused: two of them could become one name. */
function readIdentifiers(
  p: YamlPair,
  r: YamlReader,
  names: readonly (string | undefined)[] | undefined,
): string[] | undefined {
  if (!names || names.some((n) => n === undefined)) return undefined;
  const long = (names as string[]).find((n) => Buffer.byteLength(n) > MAX_IDENT_BYTES);
  if (long === undefined) return names as string[];
  r.fail(
    valueNode(p),
    `${p.key} "${long.slice(0, 24)}…" is ${Buffer.byteLength(long)} bytes; Postgres identifiers hold at most ${MAX_IDENT_BYTES} bytes (a longer one is cut, so two names could become one)`,
  );
  return names as string[]; // kept, so that no second problem (a missing unique_key) is reported for it
}

function readMaterialization(p: YamlPair, r: YamlReader): Materialization | undefined {
  const value = readString(p, r);
  if (value === undefined) return undefined;
  if (isMaterialization(value)) return value;
  return r.fail(
    valueNode(p),
    `materialized must be one of ${MATERIALIZATIONS.join(', ')} (got "${value}")${didYouMean(value, MATERIALIZATIONS)}`,
  );
}

/** `columns: { id: { description: … } }`; a bare string is the column's description. */
function readColumns(p: YamlPair, r: YamlReader): ModelConfig['columns'] {
  if (p.value === null || (isScalar(p.value) && p.value.value === null)) return {};
  const pairs = mapPairs(p.value, 'columns', r);
  const out: Record<string, { description?: string }> = {};
  for (const col of pairs ?? []) {
    const v = col.value;
    if (v === null || (isScalar(v) && v.value === null)) out[col.key] = {};
    else if (isScalar(v)) out[col.key] = { description: readString(col, r, `the description of column ${col.key}`) };
    else if (isMap(v)) {
      const entry = knownPairs(mapPairs(v, `column ${col.key}`, r) ?? [], ['description'], `column ${col.key}`, r);
      const description = entry[0] ? readString(entry[0], r, `the description of column ${col.key}`) : undefined;
      out[col.key] = description === undefined ? {} : { description };
    } else r.fail(v, `column ${col.key} must be a mapping such as { description: … }`);
  }
  return out;
}
