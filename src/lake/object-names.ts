import { SluiceError } from '../errors/errors';

/**
 * The names and metadata both object stores accept. One set of rules for both, so a DAG that works
 * against the local folder also works against MinIO.
 */

/** Where in-flight uploads live, inside each bucket; never a valid user key. */
export const TMP_PREFIX = '.sluice-tmp/';
/** The local store keeps metadata next to the object under this suffix, so keys may not end in it. */
export const META_SUFFIX = '.sluice-meta.json';
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const MAX_KEY_BYTES = 1024;
const MAX_METADATA_BYTES = 2048;
// Header names S3 (and the minio client) treat as system metadata rather than x-amz-meta-*.
export const RESERVED_META: ReadonlySet<string> = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'expires',
  'if-match',
  'if-none-match',
]);

export function checkBucket(bucket: string): string {
  if (typeof bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new SluiceError(
      'USAGE',
      `invalid bucket name "${bucket}": 3-63 lower-case letters, digits, "." or "-", starting and ending with a letter or digit`,
    );
  }
  return bucket;
}

export function checkKey(bucket: string, key: string): string {
  const why = keyProblem(key);
  if (why) throw new SluiceError('USAGE', `invalid object key "${key}" in bucket "${bucket}": ${why}`);
  return key;
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'it is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'keys are relative (no leading "/")';
  if (/[\\\u0000-\u001f\u007f]/.test(key)) return 'backslashes and control characters are not allowed';
  if (key.split('/').some((s) => s === '' || s === '.' || s === '..'))
    return 'empty, "." and ".." path segments are not allowed';
  if (key.startsWith(TMP_PREFIX)) return `"${TMP_PREFIX}" is reserved for uploads in progress`;
  if (key.endsWith(META_SUFFIX)) return `"${META_SUFFIX}" is reserved for the local store's metadata`;
  return undefined;
}

export function checkMetadata(
  bucket: string,
  key: string,
  metadata: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const fail = (why: string) => new SluiceError('USAGE', `invalid metadata for ${bucket}/${key}: ${why}`);
  let bytes = 0;
  for (const [k, v] of Object.entries(metadata)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(k))
      throw fail(`key "${k}" must be lower-case letters, digits and "-" (S3 header names are case-insensitive)`);
    if (RESERVED_META.has(k) || k.startsWith('x-amz-')) throw fail(`key "${k}" is an S3 header name`);
    if (typeof v !== 'string' || !/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(v)) {
      throw fail(
        `value of "${k}" must be a non-empty printable ASCII string without surrounding spaces (encode other text, e.g. with encodeURIComponent)`,
      );
    }
    bytes += k.length + v.length;
  }
  if (bytes > MAX_METADATA_BYTES)
    throw fail(`${bytes} bytes; S3 allows at most ${MAX_METADATA_BYTES} bytes of user metadata`);
  return { ...metadata };
}

export function checkContentType(bucket: string, key: string, contentType = DEFAULT_CONTENT_TYPE): string {
  if (!/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(contentType))
    throw new SluiceError('USAGE', `invalid content type "${contentType}" for ${bucket}/${key}`);
  return contentType;
}

/** A put whose body is not as long as its declared size writes nothing. */
export function checkSize(bucket: string, key: string, declared: number | undefined, actual: number): void {
  if (declared !== undefined && declared !== actual) {
    throw new SluiceError(
      'USAGE',
      `put ${bucket}/${key}: size was given as ${declared} bytes but the body has ${actual > declared ? 'more' : actual} bytes`,
    );
  }
}

export function checkDeclaredSize(bucket: string, key: string, size: number | undefined): void {
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0))
    throw new SluiceError('USAGE', `put ${bucket}/${key}: size must be a whole number of bytes >= 0, got ${size}`);
}

export const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
