/** Source text of generated DAG files: no-op tasks shaped as chains, fan-outs and small pipelines. */

const HEADER = `import { defineDag, task } from 'sluice';\n\nconst noop = () => undefined;\n\n`;

function dag(id: string, tasks: string[], extra = ''): string {
  return `${HEADER}export default defineDag({
  id: '${id}',
  schedule: null,
  startDate: '2026-01-01',
  catchup: false,${extra}
  tasks: [
${tasks.map((t) => `    ${t},`).join('\n')}
  ],
});
`;
}

const pad = (i: number, width: number) => String(i).padStart(width, '0');

/** A linear chain t00 → t01 → … of `n` no-op tasks. */
export function chainDag(id: string, n: number, extra = ''): string {
  const w = String(n - 1).length;
  const ids = Array.from({ length: n }, (_, i) => `t${pad(i, w)}`);
  return dag(
    id,
    ids.map((t, i) =>
      i === 0 ? `task('${t}', noop)` : `task({ id: '${t}', upstream: ['${ids[i - 1]}'], run: noop })`,
    ),
    extra,
  );
}

/** One root task and `n` no-op leaves that all depend on it. */
export function fanOutDag(id: string, n: number, maxActiveTasks?: number): string {
  const limit = maxActiveTasks ? `\n  maxActiveTasks: ${maxActiveTasks},` : '';
  return `${HEADER}const leaves = Array.from({ length: ${n} }, (_, i) => task({ id: \`leaf_\${i}\`, upstream: ['root'], run: noop }));

export default defineDag({
  id: '${id}',
  schedule: null,
  startDate: '2026-01-01',
  catchup: false,${limit}
  tasks: [task('root', noop), ...leaves],
});
`;
}
