import type { TaskStructure } from '../dag/serialized-dag';

/**
 * Delay before the next try after try `tryNumber` (1-based) failed: fixed, or doubling per try
 * (Airflow's exponential backoff without its random jitter, so tests and users can predict it),
 * never above the cap.
 */
export function retryDelayMs(
  t: Pick<TaskStructure, 'retryDelayMs' | 'retryExponentialBackoff' | 'maxRetryDelayMs'>,
  tryNumber: number,
): number {
  if (!t.retryExponentialBackoff) return Math.min(t.retryDelayMs, t.maxRetryDelayMs);
  return Math.min(t.retryDelayMs * 2 ** Math.max(0, tryNumber - 1), t.maxRetryDelayMs);
}
