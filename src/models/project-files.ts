/**
 * The files of a model project: `sql/<schema>/**\/<name>.sql` are models (the first folder names
 * the schema), `sql/macros/**\/<name>.sql` are partials named by their path under `macros/`.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Issue } from '../errors/errors';

export interface ModelFile {
  /** Absolute path, and the path relative to the project root with `/` separators. */
  readonly file: string;
  readonly path: string;
  readonly schema: string;
  readonly name: string;
}

export interface MacroFile {
  readonly file: string;
  readonly path: string;
  /** `{{> name}}`: the path under `sql/macros/` without `.sql` (`finance/cents`). */
  readonly name: string;
}

export const MACROS_FOLDER = 'macros';

export function findProjectFiles(root: string): { models: ModelFile[]; macros: MacroFile[]; issues: Issue[] } {
  const models: ModelFile[] = [];
  const macros: MacroFile[] = [];
  const issues: Issue[] = [];
  for (const rel of sqlFiles(path.join(root, 'sql'), [])) {
    const parts = rel.split('/');
    const file = path.join(root, 'sql', ...parts);
    const relPath = `sql/${rel}`;
    const base = parts[parts.length - 1].slice(0, -'.sql'.length);
    if (parts.length === 1) {
      issues.push({
        message: `a model lives in a schema folder (sql/staging/${parts[0]}, sql/marts/${parts[0]}, …), not directly in sql/`,
        file: relPath,
        line: 1,
        column: 1,
      });
    } else if (parts[0] === MACROS_FOLDER) {
      macros.push({ file, path: relPath, name: parts.slice(1).join('/').slice(0, -'.sql'.length) });
    } else {
      models.push({ file, path: relPath, schema: parts[0], name: base });
    }
  }
  return { models, macros, issues };
}

/** `.sql` files under `dir`, relative with `/`, sorted; hidden entries skipped, symlinks followed. */
function sqlFiles(dir: string, prefix: string[]): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && prefix.length === 0) return [];
    throw e;
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(full).isDirectory());
    if (isDir) out.push(...sqlFiles(full, [...prefix, entry.name]));
    else if (entry.name.endsWith('.sql')) out.push([...prefix, entry.name].join('/'));
  }
  return out;
}
