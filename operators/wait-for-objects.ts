import { setTimeout as sleep } from 'node:timers/promises';
import { defineTask, type TaskSpec } from '../src/dag/task';
import type { TaskDefinition } from '../src/dag/types';
import { durationMs } from '../src/config/duration';
import { render, type Templated } from '../src/dag/templated';
import { SluiceError } from '../src/errors/errors';

export interface WaitForObjectsSpec<I extends string, U extends string> extends Omit<TaskSpec<I, U>, 'run'> {
  readonly bucket: string;
  /** An exact key, or a prefix ending in `/` (waits for at least `minObjects` objects under it). */
  readonly key: Templated;
  readonly minObjects?: number;
  /** How often to look (default 30s) and how long to wait in all (default 1h). */
  readonly pokeInterval?: string;
  readonly timeout?: string;
}

/** Airflow's S3KeySensor: succeeds once the object (or objects under the prefix) exist; fails at the timeout. */
export function waitForObjects<const I extends string, const U extends string = never>(spec: WaitForObjectsSpec<I, U>): TaskDefinition<I, U> {
  const { bucket, key, minObjects = 1, pokeInterval = '30s', timeout = '1h', ...task } = spec;
  const everyMs = durationMs(pokeInterval, 'pokeInterval');
  const limitMs = durationMs(timeout, 'timeout');
  return defineTask('wait_for_objects', {
    ...task,
    run: async (ctx) => {
      const target = render(key, ctx);
      const deadline = Date.now() + limitMs;
      for (let poke = 1; ; poke++) {
        const found = target.endsWith('/')
          ? (await ctx.objectStore.list(bucket, target)).map((o) => o.key)
          : (await ctx.objectStore.stat(bucket, target)) ? [target] : [];
        if (found.length >= minObjects) {
          ctx.log.info('found %d object(s) at %s/%s after %d poke(s)', found.length, bucket, target, poke);
          return { bucket, keys: found.slice(0, 100) };
        }
        if (Date.now() + everyMs > deadline) {
          throw new SluiceError('SOURCE_FAILED', `${bucket}/${target}: ${found.length} of ${minObjects} object(s) after waiting ${timeout}`);
        }
        ctx.log.info('waiting for %s/%s (%d of %d object(s)); next look in %s', bucket, target, found.length, minObjects, pokeInterval);
        await sleep(everyMs, undefined, { signal: ctx.signal });
      }
    },
  }, { bucket, key: typeof key === 'string' ? key : '(computed)', pokeInterval, timeout });
}
