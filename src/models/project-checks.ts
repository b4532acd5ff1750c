/**
 * Project-wide checks on what the templates use: refs and sources that exist, partials that exist,
 * no cycles between models (or between macros), unique model names.
 */
import type { Issue } from '../errors/errors';
import { didYouMean } from '../util/did-you-mean';
import { findCycles } from '../util/graph';
import type { FilePosition, ModelNode, RefUse, SeedNode, SourceUse } from './types';
import type { SourceCatalog } from './sources';
import type { PartialUse } from './template/scan';

/** What `{{ref "x"}}` says when no model or seed is called x. */
export function unknownRefMessage(
  name: string,
  models: ReadonlyMap<string, unknown>,
  seeds: ReadonlyMap<string, unknown>,
): string {
  return `ref to unknown model or seed "${name}"${didYouMean(name, new Set([...models.keys(), ...seeds.keys()]))}`;
}

export function checkRefs(
  refs: readonly RefUse[],
  models: ReadonlyMap<string, unknown>,
  seeds: ReadonlyMap<string, unknown>,
  issues: Issue[],
): void {
  for (const r of refs) {
    if (!models.has(r.name) && !seeds.has(r.name))
      issues.push({ message: unknownRefMessage(r.name, models, seeds), ...r.at });
  }
}

export function checkSources(uses: readonly SourceUse[], catalog: SourceCatalog, issues: Issue[]): void {
  for (const s of uses) {
    const tables = catalog.get(s.source);
    if (!tables) {
      const known = catalog.size ? '' : ' (sql/sources.yml declares no sources)';
      issues.push({ message: `unknown source "${s.source}"${didYouMean(s.source, catalog.keys())}${known}`, ...s.at });
    } else if (!tables.has(s.table)) {
      issues.push({
        message: `source "${s.source}" has no table "${s.table}"${didYouMean(s.table, tables.keys())} (tables: ${[...tables.keys()].join(', ')})`,
        ...s.at,
      });
    }
  }
}

export function checkPartials(
  uses: readonly PartialUse[],
  macros: ReadonlyMap<string, unknown>,
  issues: Issue[],
): void {
  for (const p of uses) {
    if (!macros.has(p.name)) {
      issues.push({
        message: `unknown macro "${p.name}"${didYouMean(p.name, macros.keys())}; partials are the files in sql/macros/ (sql/macros/${p.name}.sql)`,
        ...p.at,
      });
    }
  }
}

/** One issue per group of files sharing a model name, at the later file, listing all of them. */
export function duplicateNames(files: readonly { name: string; path: string }[]): Issue[] {
  const byName = new Map<string, string[]>();
  for (const f of files) byName.set(f.name, [...(byName.get(f.name) ?? []), f.path]);
  return [...byName]
    .filter(([, paths]) => paths.length > 1)
    .map(([name, paths]) => ({
      message: `model name "${name}" is used by ${paths.length} files: ${paths.join(', ')} (model names are file names and must be unique)`,
      file: paths[1],
      line: 1,
      column: 1,
    }));
}

/** A model and a seed of one name: `{{ref}}` could not tell which table it means. */
export function seedNameClashes(
  files: readonly { name: string; path: string }[],
  seeds: ReadonlyMap<string, SeedNode>,
): Issue[] {
  return files
    .filter((f) => seeds.has(f.name))
    .map((f) => ({
      message: `model name "${f.name}" is also the seed ${seeds.get(f.name)!.path}: {{ref "${f.name}"}} must name one table, so rename one of them`,
      file: f.path,
      line: 1,
      column: 1,
    }));
}

/** Model name → the models it refs (each once, in first-use order). */
export function upstreamMap(models: ReadonlyMap<string, ModelNode>): Map<string, string[]> {
  return new Map(
    [...models].map(([name, node]) => [name, [...new Set(node.refs.map((r) => r.name))].filter((n) => models.has(n))]),
  );
}

/**
 * Each cycle once, written in dependency order (`a -> b -> a`: b refs a, a refs b), at the ref
 * closing the first step.
 */
export function cycleIssues(
  upstream: ReadonlyMap<string, readonly string[]>,
  usesOf: (from: string, to: string) => FilePosition | undefined,
  what: string,
): Issue[] {
  return findCycles(upstream).map((cycle) => ({
    message: `${what}: ${cycle.join(' -> ')}`,
    ...usesOf(cycle[1], cycle[0]),
  }));
}
