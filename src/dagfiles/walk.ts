import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readIgnoreFile } from './ignore-file';

export interface DagFileStat {
  readonly path: string;
  readonly mtimeMs: number;
  readonly size: number;
}

/** Every `*.ts` file under `root` (skipping node_modules, dot folders, `.d.ts` and what `.sluiceignore` names), sorted. */
export async function walkDagFiles(root: string): Promise<DagFileStat[]> {
  const out: DagFileStat[] = [];
  const base = path.resolve(root);
  const ignored = await readIgnoreFile(base);
  const visit = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' && dir === root) return [];
      throw e;
    });
    await Promise.all(
      entries.map(async (e) => {
        const p = path.join(dir, e.name);
        if (ignored(path.relative(base, p).split(path.sep).join('/'), e.isDirectory())) return;
        if (e.isDirectory()) {
          if (e.name !== 'node_modules' && !e.name.startsWith('.')) await visit(p);
        } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
          const st = await fs.stat(p);
          out.push({ path: p, mtimeMs: st.mtimeMs, size: st.size });
        }
      }),
    );
  };
  await visit(base);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
