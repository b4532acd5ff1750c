import type { Config } from '../config/config';
import type { JsonObject, JsonValue } from '../dag/types';
import type { ObjectStoreSettings } from '../lake/object-store';
import type { ClaimedTask } from '../state/task-instances';

/** A lease for a try nobody else can take (`tasks test`): the longest a timer can wait. */
export const NO_LEASE_MS = 2_147_483_647;

/** Written by a worker child to its stdout and stderr after each try (see WorkerSlot.outputRead). */
export const OUTPUT_END = '\u001e\u001esluice:output-end\u001e\u001e';

/**
 * A claimed try and what the executor adds to run it (`tasks test` makes up the claim). Sent with
 * the structured clone, so dates arrive as dates.
 */
export interface RunJob extends ClaimedTask {
  readonly file: string;
  /** Direct: the child opens its own pool. Proxy: SQL goes through the parent (embedded PGlite has one connection). */
  readonly warehouse: { readonly mode: 'direct'; readonly url: string } | { readonly mode: 'proxy' };
  /** The child opens its own store client from these (they include the S3 secret key: IPC only, never logged). */
  readonly objectStore: ObjectStoreSettings;
  /** The executor's resolved configuration: what operators read (see operatorConfig), the DAG folder the child reloads. */
  readonly config: Config;
  /** The try's own temp folder (its TMPDIR), removed when the try ends. */
  readonly tmpDir: string;
  /** Most bytes of output the child sends for this try; the rest is counted and dropped. */
  readonly logLimitBytes: number;
  /** How long the try may run before the executor must renew its lease (see `lease`). */
  readonly leaseMs: number;
}

/** Messages between the executor and its worker child processes. */
export type ToChild =
  | { readonly type: 'run'; readonly job: RunJob }
  | {
      readonly type: 'sql-result';
      readonly reqId: number;
      readonly rows?: unknown[];
      readonly rowCount?: number;
      readonly txId?: number;
      readonly error?: string;
    }
  /**
   * The executor still holds the try (its heartbeat just vouched for it): run on for `ms` more. A
   * child whose lease runs out ends its process group, so that a try its executor can no longer
   * vouch for (stopped, cut off from the database) is dead before the reaper lets a retry start.
   */
  | { readonly type: 'lease'; readonly ms: number };

export type SqlOp = 'query' | 'begin' | 'commit' | 'rollback';

export type FromChild =
  | { readonly type: 'log'; readonly tiId: number; readonly text: string }
  /** `outputEnd`: end marks follow on stdout and stderr (the try started processes that may have written there). */
  | {
      readonly type: 'done';
      readonly tiId: number;
      readonly ok: true;
      readonly value?: JsonValue;
      readonly details?: JsonObject;
      readonly droppedLogBytes?: number;
      readonly outputEnd?: boolean;
    }
  /** `final`: a verdict (a failed quality gate), not an accident: no retry would change it. */
  | {
      readonly type: 'done';
      readonly tiId: number;
      readonly ok: false;
      readonly error: string;
      readonly final?: boolean;
      readonly details?: JsonObject;
      readonly droppedLogBytes?: number;
      readonly outputEnd?: boolean;
    }
  /** Secrets the try registered, so the slot can mask output that bypasses the child's masking (see worker-slot). */
  | { readonly type: 'secrets'; readonly tiId: number; readonly values: readonly string[] }
  | {
      readonly type: 'sql';
      readonly reqId: number;
      readonly op: SqlOp;
      readonly txId?: number;
      readonly sql?: string;
      readonly params?: unknown[];
    };
