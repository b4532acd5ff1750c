import { spawn } from 'node:child_process';
import { defineTask, type TaskSpec } from '../src/dag/task';
import type { TaskDefinition } from '../src/dag/types';
import { readSecret, type EnvSecret } from './secrets';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';

const RULES: opt.OptionRules = {
  command: opt.required(opt.string),
  env: opt.recordOf("environment variables (a opt.string or { env: 'VARIABLE' } each)", opt.secret),
  cwd: opt.string,
};

export interface BashOperatorSpec<I extends string, U extends string> extends Omit<TaskSpec<I, U>, 'run'> {
  /** Run with `bash -c`. SLUICE_DS, SLUICE_DAG_ID, SLUICE_TASK_ID, SLUICE_RUN_ID and SLUICE_PARAMS are set. */
  readonly command: string;
  /** Extra environment; a value may be a secret from the worker's environment, `{ env: 'X' }`, masked in the task's log. */
  readonly env?: Record<string, string | EnvSecret>;
  readonly cwd?: string;
}

/** Airflow's BashOperator: a shell command; its output is the task log, a non-zero exit fails the try. Returns the last output line. */
export function bashOperator<const I extends string, const U extends string = never>(
  spec: BashOperatorSpec<I, U>,
): TaskDefinition<I, U> {
  return guardCall('bashOperator', spec, () => bashTask(spec));
}

function bashTask<const I extends string, const U extends string>(spec: BashOperatorSpec<I, U>): TaskDefinition<I, U> {
  const { command, env, cwd, ...rest } = spec;
  return defineTask(
    'bash',
    {
      ...rest,
      run: (ctx) =>
        new Promise<string>((resolve, reject) => {
          const extra = Object.fromEntries(
            Object.entries(env ?? {}).map(([k, v]) => [
              k,
              typeof v === 'string' ? v : readSecret(v, `${ctx.taskId} env.${k}`),
            ]),
          );
          const child = spawn('bash', ['-c', command], {
            cwd,
            stdio: ['ignore', 'pipe', 'pipe'],
            env: {
              ...process.env,
              ...extra,
              SLUICE_DS: ctx.ds,
              SLUICE_DAG_ID: ctx.dagId,
              SLUICE_TASK_ID: ctx.taskId,
              SLUICE_RUN_ID: ctx.runId,
              SLUICE_PARAMS: JSON.stringify(ctx.params),
            },
          });
          let last = '';
          const onData = (b: Buffer) => {
            const text = b.toString();
            process.stdout.write(text);
            const lines = text.trimEnd().split('\n');
            if (lines[lines.length - 1]) last = lines[lines.length - 1];
          };
          child.stdout.on('data', onData);
          child.stderr.on('data', (b: Buffer) => process.stderr.write(b));
          ctx.signal.addEventListener('abort', () => child.kill('SIGTERM'));
          child.on('error', reject);
          const end = (code: number | null, signal: NodeJS.Signals | null) =>
            code === 0
              ? resolve(last)
              : reject(new Error(`command exited with ${signal ?? `code ${code}`}: ${command}`));
          child.on('close', end);
          // A background job (`cmd &`) keeps the output pipes open after bash exits: the task ends with
          // bash, a moment after for the output still in flight, and the job ends with the try.
          child.on('exit', (code, signal) => setTimeout(() => end(code, signal), 200).unref());
        }),
    },
    { command },
    opt.checkOptions(spec, RULES),
    Object.keys(RULES),
  );
}
