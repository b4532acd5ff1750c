import { alertCredentials } from '../config/config';
import { connectionPasswords } from '../secrets/connection-string';
import { maskSecrets, maskSecretsIn } from '../secrets/task-secrets';
import type { FromChild, RunJob } from './protocol';

/**
 * What a worker child tells the executor, with the try's secrets masked: log text, the error, the
 * return value and the recorded details are stored and shown. SQL requests pass unchanged (they are the task's data, not its output).
 */
export function masked(m: FromChild): FromChild {
  switch (m.type) {
    case 'log':
      return { ...m, text: maskSecrets(m.text) };
    case 'done': {
      const details = maskSecretsIn(m.details);
      return m.ok ? { ...m, value: maskSecretsIn(m.value), details } : { ...m, error: maskSecrets(m.error), details };
    }
    default:
      return m;
  }
}

/**
 * The secrets a job itself carries to the child: the object store's secret key, the warehouse's
 * password, and the alert channels' credentials (a task that prints its environment shows ***).
 */
export function jobSecrets(job: RunJob): string[] {
  return [
    ...alertCredentials(job.config.alerts),
    ...(job.objectStore.kind === 's3' ? [job.objectStore.secretKey] : []),
    ...(job.warehouse.mode === 'direct' ? connectionPasswords(job.warehouse.url) : []),
  ];
}
