import { promises as fs } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';

export const IGNORE_FILE = '.sluiceignore';

/**
 * `.sluiceignore` in the DAG folder, like Airflow's `.airflowignore` with its glob syntax: one
 * pattern a line (`#` starts a comment), relative to the folder; a pattern without `/` matches at
 * any depth, one ending in `/` only folders. Helper modules (`lib/`) then are not imported as DAG
 * files. Returns a test for a path relative to the root.
 */
export async function readIgnoreFile(root: string): Promise<(rel: string, isDir: boolean) => boolean> {
  const text = await fs.readFile(path.join(root, IGNORE_FILE), 'utf8').catch(() => '');
  const files: string[] = [];
  const dirs: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const dirOnly = line.endsWith('/');
    let glob = line.replace(/^\/+/, '').replace(/\/+$/, '');
    if (!line.slice(0, -1).includes('/')) glob = `**/${glob}`;
    (dirOnly ? dirs : files).push(glob);
  }
  if (!files.length && !dirs.length) return () => false;
  const anything = picomatch(files, { dot: true });
  const folders = picomatch([...files, ...dirs], { dot: true });
  return (rel, isDir) => (isDir ? folders(rel) : anything(rel));
}
