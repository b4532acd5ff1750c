import type { JsonObject, JsonValue, RunType } from '../dag/types';
import type { ObjectStoreSettings } from '../lake/object-store';

/** Messages between the executor and its worker child processes. */
export interface RunJob {
  readonly tiId: number;
  readonly file: string;
  readonly root: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly runId: string;
  readonly runType: RunType;
  readonly tryNumber: number;
  readonly maxTries: number;
  readonly logicalDate: string;
  readonly dataIntervalStart: string;
  readonly dataIntervalEnd: string;
  readonly conf: JsonObject;
  readonly upstream: Record<string, JsonValue>;
  /** Direct: the child opens its own pool. Proxy: SQL goes through the parent (embedded PGlite has one connection). */
  readonly warehouse: { readonly mode: 'direct'; readonly url: string } | { readonly mode: 'proxy' };
  /** The child opens its own store client from these (they include the S3 secret key: IPC only, never logged). */
  readonly objectStore: ObjectStoreSettings;
  readonly dataDocsDir: string;
}

export type ToChild =
  | { readonly type: 'run'; readonly job: RunJob }
  | { readonly type: 'sql-result'; readonly reqId: number; readonly rows?: unknown[]; readonly rowCount?: number; readonly txId?: number; readonly error?: string };

export type SqlOp = 'query' | 'begin' | 'commit' | 'rollback';

export type FromChild =
  | { readonly type: 'log'; readonly tiId: number; readonly text: string }
  | { readonly type: 'done'; readonly tiId: number; readonly ok: true; readonly value?: JsonValue }
  | { readonly type: 'done'; readonly tiId: number; readonly ok: false; readonly error: string }
  /** Secrets the try registered, so the slot can mask output that bypasses the child's masking (see worker-slot). */
  | { readonly type: 'secrets'; readonly tiId: number; readonly values: readonly string[] }
  | { readonly type: 'sql'; readonly reqId: number; readonly op: SqlOp; readonly txId?: number; readonly sql?: string; readonly params?: unknown[] };
