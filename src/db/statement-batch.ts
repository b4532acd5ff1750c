import type { Queryable } from './queryable';

export interface BatchResult {
  readonly rows: Array<Record<string, unknown>>;
  readonly rowCount: number;
}

/** A batch's statements by name, in the order they run; an undefined one is left out of the batch. */
export type Statements = Readonly<Record<string, string | undefined>>;

/** Each statement's result under its name; a statement that may have been left out may have none. */
export type BatchResults<S extends Statements> = {
  readonly [K in keyof S]: S[K] extends string ? BatchResult : BatchResult | undefined;
};

/**
 * Sends several statements in one round trip (the simple query protocol), for hot paths such as a
 * task's completion. Statements cannot take parameters here, so every value in them must come from
 * the quoting helpers (src/db/quote.ts). Each entry is one statement; names are words, since an
 * object puts integer-like keys first and the batch runs in the order the names were written.
 */
export async function runStatements<S extends Statements>(db: Queryable, statements: S): Promise<BatchResults<S>> {
  const names = Object.keys(statements).filter((name) => statements[name] !== undefined);
  const numeric = names.find((name) => /^\d+$/.test(name));
  if (numeric !== undefined) throw new Error(`statement batch: name the statements with words, not "${numeric}"`);
  const results: Record<string, BatchResult> = {};
  if (!names.length) return results as BatchResults<S>;
  const r = (await db.query(names.map((name) => statements[name]).join(';\n'))) as unknown as
    BatchResult | BatchResult[];
  const all = Array.isArray(r) ? r : [r];
  names.forEach((name, i) => {
    results[name] = { rows: all[i].rows ?? [], rowCount: all[i].rowCount ?? 0 };
  });
  return results as BatchResults<S>;
}
