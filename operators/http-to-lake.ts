import type { TaskDefinition } from '../src/dag/types';
import { render, type Templated } from '../src/dag/templated';
import { httpSource, type HttpSourceOptions } from '../src/ingest/http-source';
import { landingTask, type LandTarget } from './land';
import { readSecret, type EnvSecret } from './secrets';

export interface HttpToLakeSpec<I extends string, U extends string> extends LandTarget<I, U>,
  Pick<HttpSourceOptions, 'recordPath' | 'pagination' | 'maxPages' | 'timeoutMs' | 'maxRetries' | 'retry' | 'headers'> {
  /** May be computed per run, also asynchronously (`async (ctx) => …`). */
  readonly url: Templated<string | Promise<string>>;
  /** Query parameters; values may use `{{ds}}`, `{{data_interval_start}}` … */
  readonly params?: Readonly<Record<string, Templated<string | number | boolean>>>;
  /** `{ header: 'Authorization', value: { env: 'PAYMENTS_TOKEN' }, prefix: 'Bearer ' }`. */
  readonly auth?: { readonly header: string; readonly value: EnvSecret | string; readonly prefix?: string };
}

/** A paginated JSON HTTP API → one lake object per run (retries on 429/5xx with backoff). */
export function httpToLake<const I extends string, const U extends string = never>(spec: HttpToLakeSpec<I, U>): TaskDefinition<I, U> {
  const { url, params, auth, recordPath, pagination, maxPages, timeoutMs, maxRetries, retry, headers, ...target } = spec;
  return landingTask('http_to_lake', target, { url: typeof url === 'string' ? url : '(computed)', pagination: pagination?.mode ?? 'none' }, async (ctx) => {
    const source = httpSource({
      url: await render(url, ctx),
      params: params && Object.fromEntries(Object.entries(params).map(([k, v]) => [k, render(v, ctx)])),
      auth: auth && { header: auth.header, value: (auth.prefix ?? '') + readSecret(auth.value, `${ctx.taskId} auth`) },
      headers, recordPath, pagination, maxPages, timeoutMs, maxRetries, retry,
      columns: target.columns, signal: ctx.signal,
      onRetry: (i) => ctx.log.warn('retrying: %s', JSON.stringify(i)),
    });
    const s = () => source.stats();
    return { rows: source, input: 'json' as const, describe: () => `${s().pages} pages, ${s().requests} requests, ${s().retries} retries` };
  });
}
