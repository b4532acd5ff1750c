import type { Readable } from 'node:stream';

/** One entry of a listing. S3 listings carry no user metadata; `stat` a key when you need it. */
export interface ObjectSummary {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface ObjectInfo extends ObjectSummary {
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export type ObjectBody = Buffer | string | Readable;

export interface PutOptions {
  /**
   * User metadata (S3 `x-amz-meta-*` headers). Keys: lower-case letters, digits and `-`, not an
   * S3 header name (`content-type`, `x-amz-…`). Values: non-empty printable ASCII without
   * surrounding spaces. At most 2 KiB in all. Anything else is rejected with USAGE, by both stores,
   * because S3 would change it on the way (header names are case-insensitive, values are trimmed).
   */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Exact byte length of the body, when known: a body of another length fails the put (USAGE), writing nothing. */
  readonly size?: number;
  /** Defaults to application/octet-stream. */
  readonly contentType?: string;
}

/**
 * Where the lake's files live (MinIO/S3 or a local folder). Writes are atomic: an object becomes
 * visible under its key only once it is complete, and a failed put leaves nothing behind.
 * Keys are `/`-separated relative paths (no empty, `.` or `..` segments); `.sluice-tmp/` is reserved.
 * A missing bucket is an OBJECT_STORE_FAILED error everywhere except `stat` (undefined).
 */
export interface ObjectStore {
  /** Creates the bucket if it does not exist; idempotent and safe to race. */
  ensureBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo>;
  /** The object's bytes; fails if it does not exist. */
  get(bucket: string, key: string): Promise<Readable>;
  /** undefined when the object (or its bucket) does not exist. */
  stat(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix` (a plain string prefix), sorted by key. */
  list(bucket: string, prefix?: string): Promise<ObjectSummary[]>;
  /** Removing a missing object is not an error. */
  remove(bucket: string, key: string): Promise<void>;
}

/** How to reach the object store: plain data, so it can travel to worker processes. */
export type ObjectStoreSettings =
  | { readonly kind: 'local'; readonly root: string }
  | {
      readonly kind: 's3';
      readonly endPoint: string;
      readonly port: number;
      readonly useSSL: boolean;
      readonly accessKey: string;
      readonly secretKey: string;
      readonly region: string;
      /** Path-style URLs (http://host/bucket/key); default true, as MinIO expects. */
      readonly pathStyle?: boolean;
    };
