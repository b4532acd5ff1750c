import type { TriggerRule } from '../dag/types';
import type { TaskState } from '../state/task-states';

export type Decision = 'ready' | 'wait' | 'upstream_failed' | 'skipped';

/**
 * Airflow's trigger rules over the upstream tasks' states. Failures and skips propagate as soon as
 * they decide the outcome, without waiting for the remaining upstream tasks.
 */
export function decide(rule: TriggerRule, upstream: readonly TaskState[]): Decision {
  const total = upstream.length;
  if (total === 0 || rule === 'always') return 'ready';
  let success = 0,
    failed = 0,
    skipped = 0;
  for (const s of upstream) {
    if (s === 'success') success++;
    else if (s === 'failed' || s === 'upstream_failed') failed++;
    else if (s === 'skipped') skipped++;
  }
  const done = success + failed + skipped;
  const allDone = done === total;
  switch (rule) {
    case 'all_success':
      if (failed) return 'upstream_failed';
      if (skipped) return 'skipped';
      return allDone ? 'ready' : 'wait';
    case 'all_failed':
      if (success || skipped) return 'skipped';
      return allDone ? 'ready' : 'wait';
    case 'all_done':
      return allDone ? 'ready' : 'wait';
    case 'one_success':
      if (success) return 'ready';
      if (!allDone) return 'wait';
      return skipped === total ? 'skipped' : 'upstream_failed';
    case 'one_failed':
      if (failed) return 'ready';
      return allDone ? 'skipped' : 'wait';
    case 'none_failed':
      if (failed) return 'upstream_failed';
      return allDone ? 'ready' : 'wait';
    case 'none_failed_min_one_success':
      if (failed) return 'upstream_failed';
      if (!allDone) return 'wait';
      return success ? 'ready' : 'skipped';
  }
}
