import type { ObjectStore } from './object-store';

/**
 * The lake's medallion buckets. `raw` (bronze) holds source data exactly as received and is written
 * once per partition; `staging` (silver) cleaned and typed data; `curated` (gold) data ready for use.
 */
export const LAKE_BUCKETS = Object.freeze({ raw: 'raw', staging: 'staging', curated: 'curated' } as const);

export type LakeBucket = (typeof LAKE_BUCKETS)[keyof typeof LAKE_BUCKETS];

/** Creates whichever lake buckets are missing. */
export async function ensureLakeBuckets(store: ObjectStore): Promise<void> {
  for (const bucket of Object.values(LAKE_BUCKETS)) await store.ensureBucket(bucket);
}
