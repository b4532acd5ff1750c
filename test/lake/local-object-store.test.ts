import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localObjectStore } from '../../src/lake/local-object-store';
import { objectStoreContract, readAll } from './object-store-contract';

let root = '';

async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const key = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(path.join(dir, e.name), key)));
    else if (!e.name.endsWith('.sluice-meta.json')) out.push(key);
  }
  return out.sort();
}

objectStoreContract(
  'local folder',
  async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sluice-lake-'));
    return {
      store: localObjectStore(root),
      where: root,
      rawKeys: (bucket) => filesUnder(path.join(root, bucket)),
      async putRaw(bucket, key, body) {
        await fs.mkdir(path.dirname(path.join(root, bucket, key)), { recursive: true });
        await fs.writeFile(path.join(root, bucket, key), body);
      },
    };
  },
  async () => rmSync(root, { recursive: true, force: true }),
);

describe('local object store', () => {
  test('reads sidecars written before content types were kept', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-lake-'));
    try {
      await fs.mkdir(path.join(dir, 'raw', 'a'), { recursive: true });
      await fs.writeFile(path.join(dir, 'raw', 'a', 'x.csv'), 'a,b\n');
      await fs.writeFile(path.join(dir, 'raw', 'a', 'x.csv.sluice-meta.json'), JSON.stringify({ rows: '1' }));
      const store = localObjectStore(dir);
      expect(await store.stat('raw', 'a/x.csv')).toMatchObject({
        size: 4,
        metadata: { rows: '1' },
        contentType: 'application/octet-stream',
      });
      expect((await readAll(await store.get('raw', 'a/x.csv'))).toString()).toBe('a,b\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
