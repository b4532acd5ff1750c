import { decide } from '../../src/scheduler/trigger-rules';
import type { TaskState } from '../../src/state/task-states';

const S = 'success',
  F = 'failed',
  UF = 'upstream_failed',
  SK = 'skipped',
  R = 'running';
const cases: Array<[string, TaskState[], string]> = [
  ['all_success', [S, S], 'ready'],
  ['all_success', [S, R], 'wait'],
  ['all_success', [F, R], 'upstream_failed'],
  ['all_success', [UF, S], 'upstream_failed'],
  ['all_success', [SK, S], 'skipped'],
  ['all_failed', [F, UF], 'ready'],
  ['all_failed', [F, S], 'skipped'],
  ['all_failed', [F, R], 'wait'],
  ['all_done', [F, S, SK], 'ready'],
  ['all_done', [F, R], 'wait'],
  ['one_success', [S, R], 'ready'],
  ['one_success', [F, R], 'wait'],
  ['one_success', [F, SK], 'upstream_failed'],
  ['one_success', [SK, SK], 'skipped'],
  ['one_failed', [F, R], 'ready'],
  ['one_failed', [S, S], 'skipped'],
  ['one_failed', [S, R], 'wait'],
  ['none_failed', [S, SK], 'ready'],
  ['none_failed', [S, F], 'upstream_failed'],
  ['none_failed', [S, R], 'wait'],
  ['none_failed_min_one_success', [S, SK], 'ready'],
  ['none_failed_min_one_success', [SK, SK], 'skipped'],
  ['none_failed_min_one_success', [UF, S], 'upstream_failed'],
  ['always', [R, F], 'ready'],
  ['all_success', [], 'ready'],
];

test.each(cases)('%s with upstream %j → %s', (rule, states, expected) => {
  expect(decide(rule as never, states)).toBe(expected);
});
