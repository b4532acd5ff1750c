/**
 * Running selected models: in graph order, independent ones in parallel up to `concurrency`, a
 * failure skipping everything selected downstream of it.
 */
import { topologicalOrder } from '../util/graph';
import { didYouMean } from '../util/did-you-mean';
import { isSluiceError, SluiceError, type Issue } from '../errors/errors';
import type { Warehouse } from '../db/queryable';
import { relationKey, type RebuiltLater } from './dependents';
import { materialize, type ModelAction } from './materialize';
import { materializationOf } from './materializations/registry';
import { lookupRelations } from './relation';
import { modelFailure } from './model-error';
import type { CompiledModel, ModelNode, ModelProject } from './types';

export type ModelStatus = 'success' | 'error' | 'skipped';

export interface ModelRunResult {
  readonly name: string;
  readonly status: ModelStatus;
  readonly action: ModelAction;
  readonly rows?: number;
  /** Compile and build time. */
  readonly ms: number;
  /** Why it failed (the error's message) or was skipped (`upstream model "x" failed`). */
  readonly error?: string;
  /** A failure's file/line issues, for tools that link to the model file. */
  readonly issues?: readonly Issue[];
  /** The SELECT it compiled to (also when building it failed), and the relation it builds. */
  readonly compiled?: Pick<CompiledModel, 'sql' | 'relation'>;
}

export type ModelRunEvent =
  { readonly type: 'start'; readonly name: string } | { readonly type: 'finish'; readonly result: ModelRunResult };

export type CompileModel = (name: string, opts: { isIncremental: boolean }) => CompiledModel | Promise<CompiledModel>;

export interface RunModelsOptions {
  readonly warehouse: Warehouse;
  readonly project: ModelProject;
  /** The models to run (a selection); run in graph order whatever order they come in. */
  readonly names: readonly string[];
  readonly compile: CompileModel;
  readonly fullRefresh?: boolean;
  /** Models built at once (default 4). */
  readonly concurrency?: number;
  readonly onEvent?: (e: ModelRunEvent) => void;
}

/** Runs the models; one result per name, in graph order. Throws only for an unknown name (MODEL_INVALID). */
export async function runModels(opts: RunModelsOptions): Promise<ModelRunResult[]> {
  const { warehouse, project, compile } = opts;
  const unknown = opts.names.filter((n) => !project.models.has(n));
  if (unknown.length) {
    throw new SluiceError(
      'MODEL_INVALID',
      unknown
        .map((n) => {
          return `unknown model "${n}"${didYouMean(n, project.models.keys())}`;
        })
        .join('; '),
      unknown.map((n) => ({ message: `unknown model "${n}"` })),
    );
  }
  const wanted = new Set(opts.names);
  const order = topologicalOrder(project.upstream).filter((n) => wanted.has(n));
  const runnable = new Set(order.filter((n) => !materializationOf(project.models.get(n)!.config.materialized).inlined));
  const waitsFor = new Map(order.map((n) => [n, nearestRunnable(project, runnable, n)]));
  const results = new Map<string, ModelRunResult>();
  const emit = (e: ModelRunEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      /* a listener's bug must not stop the run */
    }
  };
  const finish = (r: ModelRunResult) => {
    results.set(r.name, r);
    emit({ type: 'finish', result: r });
  };

  for (const n of order) if (!runnable.has(n)) finish({ name: n, status: 'skipped', action: 'ephemeral', ms: 0 });

  // The relations this run builds after a model: its runnable descendants (a view of theirs built
  // on the model may wait for its own rebuild instead of being restored as it was).
  const downstream = new Map<string, string[]>();
  for (const [n, ups] of project.upstream) for (const u of ups) downstream.set(u, [...(downstream.get(u) ?? []), n]);
  const rebuiltAfter = (name: string): RebuiltLater => {
    let set: Set<string> | undefined; // worked out only when a dependent view needs it
    return { has: (key) => (set ??= descendants(name)).has(key) };
  };
  const descendants = (name: string): Set<string> => {
    const out = new Set<string>();
    const seen = new Set<string>();
    const stack = [...(downstream.get(name) ?? [])];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (runnable.has(n)) {
        const m = project.models.get(n)!;
        out.add(relationKey(m.config.schema, m.name));
      }
      stack.push(...(downstream.get(n) ?? []));
    }
    return out;
  };

  const runOne = async (name: string): Promise<ModelRunResult> => {
    emit({ type: 'start', name });
    const t0 = performance.now();
    const node = project.models.get(name)!;
    let compiled: CompiledModel | undefined;
    try {
      // Incremental models: whether the table exists decides how they compile; the look-up is handed on.
      const known = materializationOf(node.config.materialized).incremental
        ? await lookupRelations(warehouse, node.config.schema, [name])
        : undefined;
      const isIncremental = !!known && !opts.fullRefresh && known.kinds.get(name) === 'table';
      compiled = await compile(name, { isIncremental });
      const out = await materialize(warehouse, compiled, {
        fullRefresh: opts.fullRefresh,
        isIncremental,
        file: node.path,
        ...(known ? { known } : {}),
        rebuiltLater: rebuiltAfter(name),
      });
      return {
        name,
        status: 'success',
        action: out.action,
        ...(out.rows === undefined ? {} : { rows: out.rows }),
        ms: performance.now() - t0,
        compiled: { sql: compiled.sql, relation: compiled.relation },
      };
    } catch (e) {
      const err = isSluiceError(e)
        ? e
        : compiled
          ? modelFailure(compiled, node.path, e)
          : new SluiceError('MODEL_FAILED', `model "${name}" failed (${node.path}): ${(e as Error).message ?? e}`, [
              { message: String((e as Error).message ?? e), file: node.path },
            ]);
      return {
        name,
        status: 'error',
        action: 'none',
        ms: performance.now() - t0,
        error: err.message + unloadedSeedHint(project, node, err.message),
        issues: err.issues,
        ...(compiled ? { compiled: { sql: compiled.sql, relation: compiled.relation } } : {}),
      };
    }
  };

  // Each model waits for a count of unfinished upstreams; at zero it is ready (run, or skipped
  // when one of them did not succeed). Ready models start in graph order.
  const index = new Map(order.map((n, i) => [n, i]));
  const unfinished = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready: string[] = [];
  for (const n of order) {
    if (!runnable.has(n)) continue;
    const ups = waitsFor.get(n)!;
    unfinished.set(n, ups.length);
    for (const u of ups) dependents.set(u, [...(dependents.get(u) ?? []), n]);
    if (!ups.length) ready.push(n);
  }
  const settle = (r: ModelRunResult) => {
    finish(r);
    for (const d of dependents.get(r.name) ?? []) {
      const left = unfinished.get(d)! - 1;
      unfinished.set(d, left);
      if (left === 0) ready.push(d);
    }
  };
  const concurrency = Math.floor(opts.concurrency ?? 4);
  // NaN or 0 would start nothing and wait forever.
  if (!(concurrency >= 1))
    throw new SluiceError('USAGE', `concurrency must be a whole number >= 1, got ${opts.concurrency}`);
  const running = new Map<string, Promise<void>>();
  while (ready.length || running.size) {
    ready.sort((a, b) => index.get(a)! - index.get(b)!);
    while (ready.length && running.size < concurrency) {
      const name = ready.shift()!;
      const blocker = waitsFor
        .get(name)!
        .map((u) => results.get(u)!)
        .find((r) => r.status !== 'success');
      if (blocker) settle({ name, status: 'skipped', action: 'none', ms: 0, error: skipReason(blocker) });
      else
        running.set(
          name,
          runOne(name).then((r) => {
            running.delete(name);
            settle(r);
          }),
        );
    }
    if (running.size) await Promise.race(running.values());
  }
  const stuck = order.filter((n) => !results.has(n));
  if (stuck.length) throw new SluiceError('MODEL_INVALID', `models wait on each other (a cycle?): ${stuck.join(', ')}`);
  return order.map((n) => results.get(n)!);
}

function skipReason(blocker: ModelRunResult): string {
  if (blocker.status === 'error') return `upstream model "${blocker.name}" failed`;
  return blocker.error ?? `upstream model "${blocker.name}" was skipped`;
}

/**
 * The runnable models `name` must wait for: its nearest ancestors that run in this selection,
 * looking through unselected and ephemeral models (so `a → ephemeral e → b` makes b wait for a,
 * and a failing a skips b).
 */
function nearestRunnable(project: ModelProject, runnable: ReadonlySet<string>, name: string): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const stack = [...(project.upstream.get(name) ?? [])];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (runnable.has(n)) out.add(n);
    else stack.push(...(project.upstream.get(n) ?? []));
  }
  return [...out];
}

/** A model that refs a seed never loaded fails on a missing table: say how to load it. */
function unloadedSeedHint(project: ModelProject, node: ModelNode, message: string): string {
  for (const r of node.refs) {
    const seed = project.seeds.get(r.name);
    if (seed && message.includes(`relation "${seed.schema}.${seed.name}" does not exist`))
      return `\n  hint: ${seed.schema}.${seed.name} is the seed ${seed.path}, not loaded yet: run \`sluice seed ${seed.name}\` (in a DAG, a seeds() task)`;
  }
  return '';
}
