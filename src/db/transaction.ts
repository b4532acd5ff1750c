import type { Queryable } from './queryable';

const COMMITTED = Symbol('committed');

/** What a body returns when it sent COMMIT itself, batched with its last statements to save a round trip. */
export interface Committed<T> {
  readonly [COMMITTED]: T;
}

export function committed<T>(value: T): Committed<T> {
  return { [COMMITTED]: value };
}

function isCommitted<T>(v: T | Committed<T>): v is Committed<T> {
  return typeof v === 'object' && v !== null && COMMITTED in v;
}

export interface TransactionOptions {
  /** Statements sent in the same round trip as BEGIN, such as the row lock the body relies on. */
  readonly beginWith?: string;
  /** Told when ROLLBACK itself fails: that connection is unusable and must not be reused. */
  readonly onRollbackFailure?: (e: Error) => void;
}

/**
 * The one way a transaction is opened: BEGIN, the body, COMMIT; ROLLBACK if the body throws
 * (the body's error is what the caller sees, never the rollback's). `client` must be a single
 * connection, not a pool.
 */
export async function withTransaction<C extends Queryable, T>(
  client: C,
  fn: (tx: C) => Promise<T | Committed<T>>,
  opts: TransactionOptions = {},
): Promise<T> {
  await client.query(opts.beginWith ? `BEGIN; ${opts.beginWith}` : 'BEGIN');
  try {
    const out = await fn(client);
    if (isCommitted(out)) return out[COMMITTED];
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch((r: Error) => opts.onRollbackFailure?.(r));
    throw e;
  }
}
