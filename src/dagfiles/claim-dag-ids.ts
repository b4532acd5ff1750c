import path from 'node:path';
import type { ParseResult } from './parse-result';

/**
 * A DAG id belongs to one file. The file that already owns it keeps it; among new claimants the first
 * path wins. Every other file defining it gets a DUPLICATE_DAG_ID issue and loses that DAG.
 */
export function assignOwners(
  results: readonly ParseResult[],
  owners: Map<string, string>,
  root: string,
): ParseResult[] {
  const claimed = new Map(owners);
  for (const r of results) for (const d of r.dags) if (!claimed.has(d.dagId)) claimed.set(d.dagId, r.file);
  return results.map((r) => {
    const kept = r.dags.filter((d) => claimed.get(d.dagId) === r.file);
    if (kept.length === r.dags.length) return r;
    const dupes = r.dags
      .filter((d) => !kept.includes(d))
      .map((d) => ({
        file: r.file,
        line: d.line,
        column: null,
        code: 'DUPLICATE_DAG_ID' as const,
        message: `DAG id "${d.dagId}" is already defined in ${path.relative(root, claimed.get(d.dagId)!) || claimed.get(d.dagId)}`,
      }));
    return { ...r, dags: kept, issues: [...r.issues, ...dupes] };
  });
}
