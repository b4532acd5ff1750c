import type { SourceRow } from '../../src/lake/column-spec';

export async function collect<T = SourceRow>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** The error a source fails with; fails the test if the source does not fail. */
export async function failure(it: AsyncIterable<unknown>): Promise<Error & { code?: string }> {
  try {
    await collect(it);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the source to fail');
}
