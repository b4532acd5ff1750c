import type { Readable } from 'node:stream';

export interface ObjectInfo {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly metadata: Readonly<Record<string, string>>;
}

export type ObjectBody = Buffer | string | Readable;

/**
 * Where the lake's files live (MinIO/S3 or a local folder). Writes are atomic: an object becomes
 * visible under its key only once it is complete.
 */
export interface ObjectStore {
  ensureBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: ObjectBody, metadata?: Record<string, string>): Promise<ObjectInfo>;
  get(bucket: string, key: string): Promise<Readable>;
  stat(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  list(bucket: string, prefix?: string): Promise<ObjectInfo[]>;
  remove(bucket: string, key: string): Promise<void>;
}
