import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import type { ObjectBody, ObjectInfo, ObjectStore, ObjectStoreSettings, ObjectSummary } from './object-store';
import { dropBody, isBytes, readHead, toBuffer } from './object-body';
import {
  byKey,
  checkBucket,
  checkContentType,
  checkDeclaredSize,
  checkKey,
  checkMetadata,
  checkSize,
  DEFAULT_CONTENT_TYPE,
  RESERVED_META,
  TMP_PREFIX,
} from './object-names';
import { endpointUrl, errorCode, s3Error, type S3Call } from './s3-errors';

export type S3Settings = Extract<ObjectStoreSettings, { kind: 's3' }>;

/** The minio client's part size: bodies up to this size go up in one PUT, larger ones as multipart. */
const SINGLE_PUT_MAX = 64 * 1024 * 1024;
const META_PREFIX = 'x-amz-meta-';

/**
 * MinIO or any S3 server. A put uploads to `.sluice-tmp/<uuid>` in the same bucket and then copies
 * server-side to the real key: S3 has no rename, and a copy is atomic, so readers see either the
 * old object or the complete new one. Whatever fails, the temporary object is removed.
 */
export function s3ObjectStore(settings: S3Settings): ObjectStore {
  const endpoint = endpointUrl(settings);
  const at = (op: string, bucket?: string, key?: string): S3Call => ({
    endpoint,
    accessKey: settings.accessKey,
    op,
    bucket,
    key,
  });
  let client: Client;
  try {
    client = new Client({
      endPoint: settings.endPoint,
      port: settings.port,
      useSSL: settings.useSSL,
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
      region: settings.region,
      pathStyle: settings.pathStyle ?? true,
    });
  } catch (e) {
    throw s3Error(e, at('connect to'));
  }
  const call = async <T>(c: S3Call, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw s3Error(e, c);
    }
  };
  const discard = async (bucket: string, tmp: string) => {
    await client.removeObject(bucket, tmp).catch(() => undefined);
  };

  /** Uploads the body to `tmp`; returns its byte count. Errors of a body stream pass through unchanged. */
  const upload = async (
    bucket: string,
    key: string,
    tmp: string,
    body: ObjectBody,
    size: number | undefined,
    headers: Record<string, string>,
  ) => {
    const c = at('write', bucket, key);
    if (isBytes(body)) {
      const buf = Buffer.from(body);
      checkSize(bucket, key, size, buf.length);
      await call(c, () => client.putObject(bucket, tmp, buf, buf.length, headers));
      return buf.length;
    }
    const head = await readHead(body, SINGLE_PUT_MAX);
    if (size !== undefined && head.bytes > size) checkSize(bucket, key, size, head.bytes);
    if (head.done) {
      const buf = Buffer.concat(head.chunks);
      checkSize(bucket, key, size, buf.length);
      await call(c, () => client.putObject(bucket, tmp, buf, buf.length, headers));
      return buf.length;
    }
    // Large: multipart. The client would leave a stream error unhandled (and hang), so a failing
    // body just ends the upload early; the error is rethrown after and the temporary object dropped.
    let bytes = 0;
    let failure: { error: unknown } | undefined;
    async function* all() {
      for (const b of head.chunks) {
        bytes += b.length;
        yield b;
      }
      try {
        for (let r = await head.rest.next(); !r.done; r = await head.rest.next()) {
          const b = toBuffer(r.value);
          bytes += b.length;
          yield b;
        }
      } catch (error) {
        failure = { error };
      }
    }
    try {
      await call(c, () => client.putObject(bucket, tmp, Readable.from(all(), { objectMode: false }), size, headers));
    } catch (e) {
      await client.removeIncompleteUpload(bucket, tmp).catch(() => undefined);
      throw e;
    }
    if (failure) throw failure.error;
    checkSize(bucket, key, size, bytes);
    return bytes;
  };

  const stat = async (bucket: string, key: string): Promise<ObjectInfo | undefined> => {
    checkBucket(bucket);
    checkKey(bucket, key);
    try {
      const s = await client.statObject(bucket, key);
      const raw = s.metaData as Record<string, string>;
      return {
        bucket,
        key,
        size: s.size,
        lastModified: s.lastModified,
        contentType: raw['content-type'] ?? DEFAULT_CONTENT_TYPE,
        metadata: userMetadata(raw),
      };
    } catch (e) {
      if (['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes(errorCode(e))) return undefined;
      throw s3Error(e, at('stat', bucket, key));
    }
  };

  return {
    async ensureBucket(bucket) {
      checkBucket(bucket);
      const c = at('create', bucket);
      if (await call(c, () => client.bucketExists(bucket))) return;
      try {
        await client.makeBucket(bucket, settings.region);
      } catch (e) {
        // Another process may have created it meanwhile.
        if (!(await call(c, () => client.bucketExists(bucket)))) throw s3Error(e, c);
      }
    },

    async put(bucket, key, body, options = {}) {
      const tmp = TMP_PREFIX + randomUUID();
      let size: number;
      let lastModified: unknown;
      const headers: Record<string, string> = {};
      try {
        checkBucket(bucket);
        checkKey(bucket, key);
        checkDeclaredSize(bucket, key, options.size);
        headers['Content-Type'] = checkContentType(bucket, key, options.contentType);
        for (const [k, v] of Object.entries(checkMetadata(bucket, key, options.metadata))) headers[META_PREFIX + k] = v;
        size = await upload(bucket, key, tmp, body, options.size, headers);
        // The copy keeps the temporary object's metadata and content type (directive COPY).
        const copied = await call(at('write', bucket, key), () =>
          client.copyObject(
            new CopySourceOptions({ Bucket: bucket, Object: tmp }),
            new CopyDestinationOptions({ Bucket: bucket, Object: key }),
          ),
        );
        lastModified = 'LastModified' in copied ? copied.LastModified : copied.lastModified;
      } catch (e) {
        dropBody(body);
        throw e;
      } finally {
        await discard(bucket, tmp);
      }
      if (lastModified instanceof Date && !Number.isNaN(lastModified.getTime())) {
        return {
          bucket,
          key,
          size,
          lastModified,
          contentType: headers['Content-Type'],
          metadata: checkMetadata(bucket, key, options.metadata),
        };
      }
      const info = await stat(bucket, key);
      if (!info) throw s3Error(new Error('the object vanished right after it was written'), at('write', bucket, key));
      return info;
    },

    async get(bucket, key) {
      checkBucket(bucket);
      checkKey(bucket, key);
      return call(at('read', bucket, key), () => client.getObject(bucket, key));
    },

    stat,

    async list(bucket, prefix = '') {
      checkBucket(bucket);
      const out: ObjectSummary[] = [];
      let token = '';
      do {
        const page = await call(at('list', bucket, prefix ? `${prefix}*` : undefined), () =>
          client.listObjectsV2Query(bucket, prefix, token, '', 1000, ''),
        );
        for (const o of page.objects) {
          if (o.name && !o.name.startsWith(TMP_PREFIX))
            out.push({ bucket, key: o.name, size: o.size, lastModified: o.lastModified });
        }
        token = page.isTruncated ? page.nextContinuationToken : '';
      } while (token);
      return out.sort(byKey);
    },

    async remove(bucket, key) {
      checkBucket(bucket);
      checkKey(bucket, key);
      await call(at('remove', bucket, key), () => client.removeObject(bucket, key));
    },
  };
}

/** statObject mixes system headers into its metadata; keep the x-amz-meta-* ones it unprefixed. */
function userMetadata(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const key = k.toLowerCase();
    if (RESERVED_META.has(key) || key.startsWith('x-amz-')) continue;
    out[key] = String(v);
  }
  return out;
}
