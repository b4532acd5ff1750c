import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dag } from '../dag/types';
import { describeValue } from '../errors/describe-value';
import { formatLocation } from '../errors/errors';
import { IGNORE_FILE } from './ignore-file';
import type { ImportIssue } from './parse-result';

const EXPORT_HINT = 'export it: `export default defineDag({ ... })` or `export const my_dag = defineDag({ ... })`';

/**
 * What a DAG file's exports get wrong, which otherwise passed without a word: a DAG defined but
 * not exported (never scheduled), an export that looks like a DAG but is not one (a spec object
 * without defineDag, a Promise from an async factory), or no DAG at all (a helper module belongs in
 * .sluiceignore). `defined` are the DAGs built while the file was imported.
 */
export function exportIssues(
  file: string,
  mod: unknown,
  exported: readonly Dag[],
  defined: readonly Dag[],
): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const exportedSet = new Set<unknown>(exported);
  for (const d of defined) {
    if (exportedSet.has(d) || exportedByItsModule(d)) continue;
    const inFile = d.source?.file === file;
    const where = d.source && !inFile ? ` at ${formatLocation(d.source)}` : '';
    issues.push({
      file,
      line: inFile ? d.source!.line : null,
      column: inFile ? (d.source!.column ?? null) : null,
      code: 'NOT_EXPORTED',
      message: `DAG "${d.id}" is defined${where} but not exported, so it is never scheduled: ${EXPORT_HINT}`,
    });
  }
  const entries = exportEntries(mod);
  for (const [name, v] of entries) {
    const why = notADag(v);
    if (why)
      issues.push({
        file,
        line: exportLine(file, name),
        column: null,
        code: 'NOT_EXPORTED',
        message: `export "${name}" is ${why}`,
      });
  }
  if (!exported.length && !issues.length) {
    const listed = entries.length
      ? ` (its exports: ${entries.map(([n, v]) => `${n}: ${describeValue(v, 60)}`).join('; ')})`
      : '';
    issues.push({
      file,
      line: null,
      column: null,
      code: 'NOT_EXPORTED',
      message: `the file exports no DAG${listed}: ${EXPORT_HINT}; a helper module that is not a DAG file belongs in ${IGNORE_FILE} of the DAG folder`,
    });
  }
  return issues;
}

function exportEntries(mod: unknown): Array<[string, unknown]> {
  if (!mod || (typeof mod !== 'object' && typeof mod !== 'function')) return [];
  return Object.entries(mod as Record<string, unknown>).filter(([k]) => k !== '__esModule');
}

/** Why an export meant as a DAG is not one, or undefined when it is a DAG or plainly something else. */
function notADag(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  if ((v as Dag).kind === 'sluice.dag') return undefined;
  if (typeof (v as { then?: unknown }).then === 'function') {
    return 'a Promise: DAG files must build their DAGs when imported, without await (an async factory returns a Promise, not a DAG)';
  }
  const o = v as Record<string, unknown>;
  if ('id' in o && 'tasks' in o && ('schedule' in o || 'startDate' in o)) {
    return `an object with id ${describeValue(o.id, 60)} and tasks, not a DAG: pass it to defineDag(...)`;
  }
  return undefined;
}

/** The line declaring an export (`export const name`, `export default`), found in the source text; null if not found. */
function exportLine(file: string, name: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const escaped = name.replace(/[$]/g, '\\$');
  const pattern =
    name === 'default'
      ? /^\s*export\s+default\b/
      : new RegExp(
          `^\\s*export\\s+(?:declare\\s+)?(?:const|let|var|async\\s+function\\*?|function\\*?|class)\\s+${escaped}\\b`,
        );
  const i = text.split(/\r?\n/).findIndex((l) => pattern.test(l));
  return i === -1 ? null : i + 1;
}

/** A DAG from a helper module (a factory imported by several files) counts as exported if its own module exports it. */
function exportedByItsModule(d: Dag): boolean {
  const file = d.source?.file;
  const mod = file ? require.cache[path.resolve(file)]?.exports : undefined;
  return !!mod && exportEntries(mod).some(([, v]) => v === d);
}
