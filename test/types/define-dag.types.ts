// Compile-time checks of the DAG API: `npm run typecheck` fails if an @ts-expect-error is unused.
import { defineDag, task } from 'sluice';

defineDag({
  id: 'ok',
  schedule: '@daily',
  startDate: '2026-01-01',
  tasks: [task('a', () => 1), task({ id: 'b', upstream: ['a'], run: () => 2 })],
});

defineDag({
  id: 'unknown_upstream',
  schedule: null,
  startDate: '2026-01-01',
  // @ts-expect-error 'nope' is not a task id of this DAG
  tasks: [task('a', () => 1), task({ id: 'b', upstream: ['nope'], run: () => 2 })],
});

defineDag({
  id: 'bad_rule',
  schedule: null,
  startDate: '2026-01-01',
  // @ts-expect-error not a trigger rule
  tasks: [task({ id: 'a', triggerRule: 'sometimes', run: () => 1 })],
});

// Tasks built in a loop have plain string ids; the load-time check covers them.
const dynamic = ['x', 'y'].map((id) => task(id as string, () => id));
defineDag({
  id: 'dynamic',
  schedule: null,
  startDate: '2026-01-01',
  tasks: [...dynamic, task({ id: 'z', upstream: ['x'], run: () => 0 })],
});
