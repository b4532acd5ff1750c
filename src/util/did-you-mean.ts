/**
 * "Did you mean" hints: the candidate closest to a mistyped name by edit distance, when it is close
 * enough to be what was meant. One function for every hint; a rule says how strict it is.
 */
export interface HintRule {
  /** Compare ignoring case (`Email` → `email` is no edit). */
  readonly ignoreCase: boolean;
  /** A swap of two neighbouring letters is one edit (emial → email) rather than two. */
  readonly swapIsOneEdit: boolean;
  /** The most edits a candidate may be away from a name of this length. */
  readonly maxEdits: (length: number) => number;
}

/**
 * Names in code, SQL and config (models, helpers, DAG and task options): exact case, a third of the
 * name rounded down. A swap of neighbouring letters is one edit, the commonest slip of typing
 * (`{{params.bacth}}` → batch, `tabel` → table), which plain Levenshtein counted as two.
 */
export const NAME_HINTS: HintRule = {
  ignoreCase: false,
  swapIsOneEdit: true,
  maxEdits: (n) => Math.max(1, Math.floor(n / 3)),
};

/** What suite authors type in JSON (expectation types, kwargs, columns): any case, swaps, a third rounded up. */
export const SUITE_HINTS: HintRule = {
  ignoreCase: true,
  swapIsOneEdit: true,
  maxEdits: (n) => Math.max(2, Math.ceil(n / 3)),
};

/** The closest candidate within the rule's reach (the first of equally close ones), or undefined. */
export function closest(name: string, candidates: Iterable<string>, rule: HintRule = NAME_HINTS): string | undefined {
  const fold = (s: string) => (rule.ignoreCase ? s.toLowerCase() : s);
  let best: string | undefined;
  let bestDist = rule.maxEdits(name.length) + 1;
  for (const c of candidates) {
    const d = distance(fold(name), fold(c), rule.swapIsOneEdit);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` to append to a message about `name`, or `''` when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>, rule: HintRule = NAME_HINTS): string {
  const hint = closest(name, candidates, rule);
  return hint ? ` (did you mean "${hint}"?)` : '';
}

/** Levenshtein distance; with `swaps`, optimal string alignment (a neighbour swap is one edit). */
function distance(a: string, b: string, swaps: boolean): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** A Postgres message about an unknown column, with the closest column of the table appended. */
export function withColumnHint(message: string, columns: Iterable<string>): string {
  const m = /column "([^"]+)" does not exist/.exec(message);
  return m && !message.includes('did you mean') ? message + didYouMean(m[1], columns, SUITE_HINTS) : message;
}
