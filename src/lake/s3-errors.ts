import { isSluiceError, SluiceError } from '../errors/errors';
import type { ObjectStoreSettings } from './object-store';

/** `http(s)://host:port` of an S3 store, as messages show it. */
export function endpointUrl(s: Extract<ObjectStoreSettings, { kind: 's3' }>): string {
  return `${s.useSSL ? 'https' : 'http'}://${s.endPoint.includes(':') ? `[${s.endPoint}]` : s.endPoint}:${s.port}`;
}

/** What an S3 request was doing, for the error message. Never holds the secret key. */
export interface S3Call {
  readonly endpoint: string;
  readonly accessKey: string;
  readonly op: string;
  readonly bucket?: string;
  readonly key?: string;
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The S3 or network error code; Node reports a refused dual-stack connect as an AggregateError. */
function codeOf(e: unknown): string {
  const err = e as { code?: unknown; errors?: Array<{ code?: unknown }>; cause?: { code?: unknown } } | undefined;
  const code = err?.code ?? err?.errors?.find((x) => x?.code)?.code ?? err?.cause?.code;
  return typeof code === 'string' ? code : '';
}

/** Turns a minio client or socket error into an OBJECT_STORE_FAILED naming endpoint, bucket and key. */
export function s3Error(e: unknown, c: S3Call): SluiceError {
  if (isSluiceError(e)) return e;
  const code = codeOf(e);
  const what =
    c.key !== undefined ? `${c.bucket}/${c.key}` : c.bucket !== undefined ? `bucket "${c.bucket}"` : 'the object store';
  const during = `while trying to ${c.op} ${what}`;
  let message: string;
  if (NETWORK.has(code)) {
    message = `cannot reach the object store at ${c.endpoint} (${code}) ${during}; is the server running and the endpoint right?`;
  } else if (code === 'NoSuchBucket') {
    message = `bucket "${c.bucket}" does not exist at ${c.endpoint} (${c.op} ${what}); create it first (ensureBucket)`;
  } else if (code === 'NoSuchKey' || code === 'NotFound') {
    message = `object ${what} does not exist at ${c.endpoint}`;
  } else if (code === 'InvalidAccessKeyId') {
    message = `the object store at ${c.endpoint} does not know access key "${c.accessKey}" (InvalidAccessKeyId) ${during}; check the access key`;
  } else if (code === 'SignatureDoesNotMatch') {
    message = `the object store at ${c.endpoint} rejected the secret key of access key "${c.accessKey}" (SignatureDoesNotMatch) ${during}; check the secret key`;
  } else if (code === 'AccessDenied') {
    message = `access denied by the object store at ${c.endpoint} for access key "${c.accessKey}" ${during}; check the credentials and the key's policy`;
  } else {
    message = `object store at ${c.endpoint} failed ${during}: ${code ? code + ': ' : ''}${(e as Error)?.message ?? String(e)}`;
  }
  const out = new SluiceError('OBJECT_STORE_FAILED', message);
  out.cause = e;
  return out;
}

export function errorCode(e: unknown): string {
  return codeOf(e);
}
