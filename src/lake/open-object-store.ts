import type { ObjectStore, ObjectStoreSettings } from './object-store';
import { localObjectStore } from './local-object-store';
import { endpointUrl } from './s3-errors';

/** The store the settings describe: MinIO/S3 when an endpoint is configured, else the local folder. */
export function openObjectStore(settings: ObjectStoreSettings): ObjectStore {
  if (settings.kind === 'local') return localObjectStore(settings.root);
  // Loaded on demand: the minio client takes ~0.1 s to import, which local-store processes skip.
  const { s3ObjectStore } = require('./s3-object-store') as typeof import('./s3-object-store');
  return s3ObjectStore(settings);
}

/** Where the store is, for log lines; never includes the secret key. */
export function describeObjectStore(settings: ObjectStoreSettings): string {
  if (settings.kind === 'local') return `local folder ${settings.root}`;
  return `S3 at ${endpointUrl(settings)} (access key ${settings.accessKey}, region ${settings.region})`;
}
