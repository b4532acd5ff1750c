import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectBody, ObjectInfo, ObjectStore } from './object-store';
import { SluiceError } from '../errors/errors';

const META_SUFFIX = '.sluice-meta.json';
const TMP_DIR = '.sluice-tmp';

/**
 * The embedded default: buckets are folders under `root`. A write goes to a temporary file in the
 * bucket's tmp folder and is renamed into place, so readers never see a partial object.
 */
export function localObjectStore(root: string): ObjectStore {
  const bucketDir = (bucket: string) => {
    if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket)) throw new SluiceError('USAGE', `invalid bucket name "${bucket}"`);
    return path.join(root, bucket);
  };
  const objectPath = (bucket: string, key: string) => {
    const normal = path.posix.normalize(key);
    if (!key || normal.startsWith('..') || path.posix.isAbsolute(normal) || normal.split('/').includes(TMP_DIR) || normal.endsWith(META_SUFFIX)) {
      throw new SluiceError('USAGE', `invalid object key "${key}"`);
    }
    return path.join(bucketDir(bucket), normal);
  };
  const requireBucket = async (bucket: string) => {
    const st = await fs.stat(bucketDir(bucket)).catch(() => undefined);
    if (!st?.isDirectory()) throw new SluiceError('USAGE', `bucket "${bucket}" does not exist in ${root}`);
  };
  const info = async (bucket: string, key: string): Promise<ObjectInfo | undefined> => {
    const file = objectPath(bucket, key);
    const st = await fs.stat(file).catch(() => undefined);
    if (!st?.isFile()) return undefined;
    const meta = await fs.readFile(file + META_SUFFIX, 'utf8').then(JSON.parse, () => ({}));
    return { bucket, key, size: st.size, lastModified: st.mtime, metadata: meta };
  };

  return {
    async ensureBucket(bucket) {
      await fs.mkdir(path.join(bucketDir(bucket), TMP_DIR), { recursive: true });
    },
    async put(bucket, key, body, metadata = {}) {
      await requireBucket(bucket);
      const file = objectPath(bucket, key);
      const tmp = path.join(bucketDir(bucket), TMP_DIR, randomUUID());
      try {
        await pipeline(toStream(body), createWriteStream(tmp));
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file + META_SUFFIX, JSON.stringify(metadata));
        await fs.rename(tmp, file);
      } catch (e) {
        await fs.rm(tmp, { force: true });
        throw e;
      }
      return (await info(bucket, key))!;
    },
    async get(bucket, key) {
      const file = objectPath(bucket, key);
      if (!(await info(bucket, key))) throw new SluiceError('USAGE', `object ${bucket}/${key} does not exist`);
      return createReadStream(file);
    },
    stat: info,
    async list(bucket, prefix = '') {
      await requireBucket(bucket);
      const out: ObjectInfo[] = [];
      const walk = async (dir: string, rel: string): Promise<void> => {
        const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
        for (const e of entries) {
          const key = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) {
            if (e.name !== TMP_DIR) await walk(path.join(dir, e.name), key);
          } else if (!e.name.endsWith(META_SUFFIX) && key.startsWith(prefix)) {
            const i = await info(bucket, key);
            if (i) out.push(i);
          }
        }
      };
      await walk(bucketDir(bucket), '');
      return out.sort((a, b) => (a.key < b.key ? -1 : 1));
    },
    async remove(bucket, key) {
      const file = objectPath(bucket, key);
      await fs.rm(file, { force: true });
      await fs.rm(file + META_SUFFIX, { force: true });
    },
  };
}

function toStream(body: ObjectBody): Readable {
  return typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
}
