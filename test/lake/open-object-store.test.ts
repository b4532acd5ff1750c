import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureLakeBuckets, LAKE_BUCKETS } from '../../src/lake/buckets';
import { describeObjectStore, openObjectStore } from '../../src/lake/open-object-store';
import { startS3rver } from './s3-servers';

describe('openObjectStore and the lake buckets', () => {
  test('the local store: lake buckets are created once and writable', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sluice-lake-'));
    try {
      const store = openObjectStore({ kind: 'local', root });
      await ensureLakeBuckets(store);
      await ensureLakeBuckets(store);
      for (const b of ['raw', 'staging', 'curated']) {
        expect(await store.list(b)).toEqual([]);
        await store.put(b, 'x/y', b);
      }
      expect(await store.stat(LAKE_BUCKETS.raw, 'x/y')).toMatchObject({ size: 3 });
      expect(describeObjectStore({ kind: 'local', root })).toBe(`local folder ${root}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('S3 settings open an S3 store; the description never shows the secret', async () => {
    const server = await startS3rver();
    try {
      const store = openObjectStore(server.settings);
      await ensureLakeBuckets(store);
      await ensureLakeBuckets(store);
      await store.put('curated', 'mart/x.csv', 'a');
      expect((await store.list('curated')).map((o) => o.key)).toEqual(['mart/x.csv']);
      await expect(store.list('staging')).resolves.toEqual([]);
      const text = describeObjectStore({ ...server.settings, secretKey: 'hush-hush' });
      expect(text).toBe(`S3 at http://127.0.0.1:${server.settings.port} (access key S3RVER, region us-east-1)`);
    } finally {
      await server.close();
    }
  });
});
