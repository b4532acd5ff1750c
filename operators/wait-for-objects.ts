import { setTimeout as sleep } from 'node:timers/promises';
import { defineTask, type TaskSpec } from '../src/dag/task';
import type { TaskDefinition } from '../src/dag/types';
import { durationMs, formatDuration, type Duration, type DurationRange } from '../src/config/duration';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';
import { render, templateProblems, type Templated } from '../src/dag/templated';
import { operatorField } from '../src/models/project-file';
import { SluiceError } from '../src/errors/errors';

export interface WaitForObjectsSpec<I extends string, U extends string> extends Omit<TaskSpec<I, U>, 'run'> {
  readonly bucket: string;
  /** An exact key, or a prefix ending in `/` (waits for at least `minObjects` objects under it). */
  readonly key: Templated;
  readonly minObjects?: number;
  /** How often to look (default 30s, 10ms to 1d) and how long to wait in all (default 1h, 10ms to 7d). */
  readonly pokeInterval?: Duration;
  readonly timeout?: Duration;
}

// A zero interval would list the bucket nonstop; a timeout above a week is a unit slip.
const POKE_INTERVAL: DurationRange = { min: 10, max: 86_400_000 };
const TIMEOUT: DurationRange = { min: 10, max: 7 * 86_400_000 };

/** Airflow's S3KeySensor: succeeds once the object (or objects under the prefix) exist; fails at the timeout. */
export function waitForObjects<const I extends string, const U extends string = never>(
  spec: WaitForObjectsSpec<I, U>,
): TaskDefinition<I, U> {
  return guardCall('waitForObjects', spec, () => waitTask(spec));
}

// pokeInterval and timeout are durations, checked with their ranges below.
const RULES: opt.OptionRules = {
  bucket: opt.required(opt.string),
  key: opt.required(opt.templated),
  minObjects: opt.wholeNumber(1),
};

function waitTask<const I extends string, const U extends string>(
  spec: WaitForObjectsSpec<I, U>,
): TaskDefinition<I, U> {
  const { bucket, key, minObjects = 1, pokeInterval = '30s', timeout = '1h', ...task } = spec;
  const problems: string[] = [];
  const ms = (v: unknown, name: string, range: DurationRange) => {
    try {
      return durationMs(v, name, range);
    } catch (e) {
      problems.push((e as Error).message);
      return range.min;
    }
  };
  const everyMs = ms(pokeInterval, 'pokeInterval', POKE_INTERVAL);
  const limitMs = ms(timeout, 'timeout', TIMEOUT);
  if (!problems.length && everyMs > limitMs)
    problems.push(
      `pokeInterval (${formatDuration(everyMs)}) is longer than timeout (${formatDuration(limitMs)}): the sensor would look once and fail`,
    );
  problems.push(...opt.checkOptions(spec, RULES), ...templateProblems(key, 'key'));
  return defineTask(
    'wait_for_objects',
    {
      ...task,
      run: async (ctx) => {
        const target = render(key, ctx, operatorField('key'));
        const deadline = Date.now() + limitMs;
        for (let poke = 1; ; poke++) {
          const found = target.endsWith('/')
            ? (await ctx.objectStore.list(bucket, target)).map((o) => o.key)
            : (await ctx.objectStore.stat(bucket, target))
              ? [target]
              : [];
          if (found.length >= minObjects) {
            ctx.log.info('found %d object(s) at %s/%s after %d poke(s)', found.length, bucket, target, poke);
            return { bucket, keys: found.slice(0, 100) };
          }
          if (Date.now() + everyMs > deadline) {
            throw new SluiceError(
              'SOURCE_FAILED',
              `${bucket}/${target}: ${found.length} of ${minObjects} object(s) after waiting ${formatDuration(limitMs)}`,
            );
          }
          ctx.log.info(
            'waiting for %s/%s (%d of %d object(s)); next look in %s',
            bucket,
            target,
            found.length,
            minObjects,
            formatDuration(everyMs),
          );
          await sleep(everyMs, undefined, { signal: ctx.signal });
        }
      },
    },
    { bucket, key: typeof key === 'string' ? key : '(computed)', pokeInterval, timeout },
    problems,
    [...Object.keys(RULES), 'pokeInterval', 'timeout'],
  );
}
