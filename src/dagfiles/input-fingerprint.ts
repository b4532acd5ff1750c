import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * A fingerprint of a DAG file's other inputs (see src/dag/parse-dependencies.ts): every file under each
 * input folder, or the input file, by path, size and mtime. Missing inputs count as missing, so
 * creating them changes the fingerprint too.
 */
export async function inputFingerprint(inputs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const input of [...inputs].sort()) {
    const st = await fs.stat(input).catch(() => undefined);
    if (!st) {
      hash.update(`${input}\0missing\n`);
      continue;
    }
    if (!st.isDirectory()) {
      hash.update(`${input}\0${st.size}\0${st.mtimeMs}\n`);
      continue;
    }
    for (const entry of await walk(input)) hash.update(`${entry}\n`);
  }
  return hash.digest('hex').slice(0, 32);
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile()) {
      const st = await fs.stat(full).catch(() => undefined);
      if (st) out.push(`${full}\0${st.size}\0${st.mtimeMs}`);
    }
  }
  return out;
}
