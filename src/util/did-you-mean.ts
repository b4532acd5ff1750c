/**
 * "Did you mean" hints for suite authors: the closest name by edit distance, counting a swap of two
 * neighbouring letters as one edit (emial → email), within a third of the name's length.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDist = Math.max(2, Math.ceil(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** Optimal string alignment distance. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** A Postgres message about an unknown column, with the closest column of the table appended. */
export function withColumnHint(message: string, columns: Iterable<string>): string {
  const m = /column "([^"]+)" does not exist/.exec(message);
  return m && !message.includes('did you mean') ? message + didYouMean(m[1], columns) : message;
}
