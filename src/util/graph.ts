/** Graph helpers over `id → upstream ids`. */
export type UpstreamMap = ReadonlyMap<string, readonly string[]>;

/**
 * Every elementary cycle reachable in the graph, each written once as `a -> b -> a`
 * (following dependency order: an upstream before its downstream).
 */
export function findCycles(upstream: UpstreamMap): string[][] {
  const downstream = downstreamMap(upstream);
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of downstream.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = canonical(cycle);
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...upstream.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

function canonical(cycle: string[]): string {
  const body = cycle.slice(0, -1);
  const i = body.indexOf([...body].sort()[0]);
  return [...body.slice(i), ...body.slice(0, i)].join('\u0000');
}

export function downstreamMap(upstream: UpstreamMap): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of upstream.keys()) out.set(id, []);
  for (const [id, ups] of upstream) for (const u of ups) out.get(u)?.push(id);
  return out;
}

/** Tasks in an order where every upstream comes first (ties by declaration order). Assumes no cycle. */
export function topologicalOrder(upstream: UpstreamMap): string[] {
  const done = new Set<string>();
  const out: string[] = [];
  const visit = (id: string) => {
    if (done.has(id)) return;
    done.add(id);
    for (const u of upstream.get(id) ?? []) visit(u);
    out.push(id);
  };
  for (const id of upstream.keys()) visit(id);
  return out;
}
