import { runToCompletion } from '../../src/actions/run-to-completion';
import { triggerDag } from '../../src/actions/trigger-dag';
import { toReturnValue } from '../../src/executor/return-value';
import { syncDagFiles, type Runtime } from '../../src/actions/runtime';
import { dagFile, tempProject, testRuntime } from '../support/sandbox';

const refused = (v: unknown) => {
  try {
    toReturnValue(v);
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
};

test('values JSON cannot carry faithfully are refused, naming where they are', () => {
  expect(refused({ totals: new Map([['a', 1]]) })).toBe(
    'the return value.totals is a Map (1 entries), which JSON cannot carry to downstream tasks: return Object.fromEntries(map) or an array of pairs',
  );
  expect(refused([1, new Set([1])])).toMatch(/^the return value\[1\] is a Set \(1 values\)/);
  expect(refused({ n: 10n })).toMatch(
    /^the return value\.n is a bigint \(10n\), .*: return it as a string or a number$/,
  );
  expect(refused({ ratio: NaN })).toMatch(/^the return value\.ratio is NaN/);
  expect(refused({ list: [1, undefined] })).toMatch(/^the return value\.list\[1\] is undefined/);
  expect(refused({ f: () => 1 })).toMatch(/is a function/);
  expect(refused({ 'odd key': Buffer.from('x') })).toMatch(/^the return value\["odd key"\] is binary data/);
  expect(refused({ text: 'a\u0000b' })).toMatch(/is a string with a NUL byte/);
  class Point {
    constructor(readonly x: number) {}
  }
  expect(refused({ p: new Point(1) })).toMatch(/is an instance of Point/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  expect(refused(cyclic)).toMatch(/^the return value\.self is a reference back to a containing object/);
  expect(refused('x'.repeat(1_000_001))).toMatch(
    /^the return value is 1000003 bytes of JSON; at most 1000000 are stored/,
  );
});

test('plain data passes as it is; objects with toJSON choose their form; absent properties stay absent', () => {
  expect(
    toReturnValue({ a: [1, 'x', true, null, { b: 2 }], at: new Date('2026-01-01T00:00:00Z'), gone: undefined }),
  ).toEqual({ a: [1, 'x', true, null, { b: 2 }], at: '2026-01-01T00:00:00.000Z' });
  expect(toReturnValue(undefined)).toBeUndefined();
  expect(toReturnValue(Object.create(null))).toEqual({});
  const shared = { v: 1 };
  expect(toReturnValue([shared, shared])).toEqual([{ v: 1 }, { v: 1 }]); // shared, not cyclic
});

const p = tempProject();
p.write(
  'returns.ts',
  dagFile(`
export default defineDag({
  id: 'returns', schedule: null, startDate: '2026-01-01',
  tasks: [
    task('counts', () => ({ byMethod: new Map([['card', 3]]) })),
    task({ id: 'uses', upstream: ['counts'], run: () => 1 }),
  ],
});
`),
);
let rt: Runtime & { url: string };
beforeAll(async () => {
  rt = await testRuntime('returns', p);
  await syncDagFiles(rt);
});
afterAll(async () => {
  await rt.close();
  p.cleanup();
});

test('a task returning a Map fails with the reason, instead of handing {} downstream', async () => {
  const run = await triggerDag(rt, 'returns');
  const [outcome] = await runToCompletion(rt, [run.id]);
  expect(outcome.state).toBe('failed');
  const r = await rt.db.query<{ task_id: string; state: string; error: string | null }>(
    `SELECT t.task_id, t.state, y.error FROM sluice.task_instance t LEFT JOIN sluice.task_try y ON y.ti_id = t.id WHERE t.run_id = $1 ORDER BY 1`,
    [run.id],
  );
  expect(r.rows).toEqual([
    {
      task_id: 'counts',
      state: 'failed',
      error: expect.stringMatching(/^the return value\.byMethod is a Map \(1 entries\)/),
    },
    { task_id: 'uses', state: 'upstream_failed', error: null },
  ]);
  expect((await rt.db.query(`SELECT 1 FROM sluice.task_return WHERE run_id = $1`, [run.id])).rowCount).toBe(0);
});
