import type { TaskDefinition } from '../src/dag/types';
import { render, templateProblems, type Templated } from '../src/dag/templated';
import { operatorField } from '../src/models/project-file';
import { isCredentialHeader, isSecretParam } from '../src/ingest/http-credentials';
import { httpSource, redactUrl, type HttpSourceOptions } from '../src/ingest/http-source';
import { registerSecret } from '../src/secrets/task-secrets';
import { LAND_RULES, landingTask, type LandTarget } from './land';
import { guardCall } from '../src/dag/guard-call';
import * as opt from '../src/dag/operator-options';

const RULES: opt.OptionRules = {
  ...LAND_RULES,
  url: opt.required(opt.templated),
  params: opt.object('an opt.object of query parameters'),
  headers: opt.recordOf("headers (a opt.string or { env: 'VARIABLE' } each)", opt.secret),
  auth: opt.object("{ header, value, prefix? } (value a opt.string or { env: 'VARIABLE' })"),
  recordPath: opt.string,
  pagination: opt.object("an opt.object { mode: 'none' | 'page' | 'offset' | 'cursor' | 'next-link', … }"),
  maxPages: opt.wholeNumber(1),
  timeoutMs: opt.wholeNumber(1),
  maxRetries: opt.wholeNumber(0),
  retry: opt.object('an opt.object { baseDelayMs?, maxDelayMs?, maxRetryAfterMs? }'),
  maxRedirects: opt.wholeNumber(0),
  secretParams: opt.stringList,
};

const PAGINATION_MODES = ['none', 'page', 'offset', 'cursor', 'next-link'];
import { readSecret, type EnvSecret } from './secrets';

export interface HttpToLakeSpec<I extends string, U extends string>
  extends
    LandTarget<I, U>,
    Pick<
      HttpSourceOptions,
      'recordPath' | 'pagination' | 'maxPages' | 'timeoutMs' | 'maxRetries' | 'retry' | 'maxRedirects' | 'secretParams'
    > {
  /** May be computed per run, also asynchronously (`async (ctx) => …`). */
  readonly url: Templated<string | Promise<string>>;
  /**
   * Query parameters; values may use `{{ds}}`, `{{data_interval_start}}` … A credential in the query string:
   * `{ api_key: { env: 'SHOP_KEY' } }` (masked in messages, not sent to another origin).
   */
  readonly params?: Readonly<Record<string, Templated<string | number | boolean> | EnvSecret>>;
  /** Extra headers, sent to the configured URL's origin only; a value may come from the environment: `{ env: 'X' }`. */
  readonly headers?: Readonly<Record<string, string | EnvSecret>>;
  /** `{ header: 'Authorization', value: { env: 'PAYMENTS_TOKEN' }, prefix: 'Bearer ' }`. */
  readonly auth?: { readonly header: string; readonly value: EnvSecret | string; readonly prefix?: string };
}

/**
 * A paginated JSON HTTP API → one lake object per run (retries on 429/5xx with backoff). The auth and
 * the headers go to the configured URL's origin only: a redirect or next link elsewhere is followed
 * without them (and the log says so).
 */
export function httpToLake<const I extends string, const U extends string = never>(
  spec: HttpToLakeSpec<I, U>,
): TaskDefinition<I, U> {
  return guardCall('httpToLake', spec, () => httpTask(spec));
}

function httpTask<const I extends string, const U extends string>(spec: HttpToLakeSpec<I, U>): TaskDefinition<I, U> {
  const {
    url,
    params,
    auth,
    headers,
    recordPath,
    pagination,
    maxPages,
    timeoutMs,
    maxRetries,
    retry,
    maxRedirects,
    secretParams,
    ...target
  } = spec;
  return landingTask(
    'http_to_lake',
    target,
    { url: storedUrl(url, secretParams), pagination: pagination?.mode ?? 'none' },
    async (ctx) => {
      const what = (name: string) => `${ctx.taskId} ${name}`;
      const envParams = Object.entries(params ?? {})
        .filter(([, v]) => isEnvSecret(v))
        .map(([k]) => k);
      const source = httpSource({
        url: await render(url, ctx, operatorField('url')),
        params:
          params &&
          Object.fromEntries(
            Object.entries(params).map(([k, v]) => [
              k,
              isEnvSecret(v) ? readSecret(v, what(`params.${k}`)) : render(v, ctx, operatorField(`params.${k}`)),
            ]),
          ),
        auth: auth && { header: auth.header, value: (auth.prefix ?? '') + readSecret(auth.value, what('auth')) },
        headers:
          headers &&
          Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, headerValue(k, v, what(`headers.${k}`))])),
        secretParams: [...(secretParams ?? []), ...envParams],
        recordPath,
        pagination,
        maxPages,
        timeoutMs,
        maxRetries,
        retry,
        maxRedirects,
        columns: target.columns,
        signal: ctx.signal,
        onRetry: (i) => ctx.log.warn('retrying: %s', JSON.stringify(i)),
        onWithheld: (i) =>
          ctx.log.warn(
            '%s: %s from %s to %s, another origin: sent without %s (credentials go to %s only)',
            ctx.taskId,
            i.via,
            i.from,
            i.to,
            i.withheld.join(', '),
            i.home,
          ),
      });
      const s = () => source.stats();
      return {
        rows: source,
        input: 'json' as const,
        describe: () => `${s().pages} pages, ${s().requests} requests, ${s().retries} retries`,
      };
    },
    [
      ...opt.checkOptions(spec, RULES),
      ...(pagination && typeof pagination === 'object'
        ? opt.required(opt.oneOf(...PAGINATION_MODES)).check(pagination.mode, 'pagination.mode')
        : []),
      ...(auth && typeof auth === 'object'
        ? opt
            .checkOptions(auth, {
              header: opt.required(opt.string),
              value: opt.required(opt.secret),
              prefix: opt.string,
            })
            .map((m) => `auth.${m}`)
        : []),
      ...templateProblems(url, 'url'),
      ...Object.entries(params ?? {}).flatMap(([k, v]) => templateProblems(v, `params.${k}`)),
    ],
    Object.keys(RULES),
  );
}

/** The URL as the DAG's stored structure shows it: as written, unless it holds a password or a secret-looking query value. */
function storedUrl(url: HttpToLakeSpec<string, string>['url'], secretParams: readonly string[] | undefined): string {
  if (typeof url !== 'string') return '(computed)';
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  const secret = u.username || u.password || [...u.searchParams.keys()].some((k) => isSecretParam(k, secretParams));
  return secret ? redactUrl(u, { secretParams }) : url;
}

function isEnvSecret(v: unknown): v is EnvSecret {
  return typeof v === 'object' && v !== null && typeof (v as EnvSecret).env === 'string';
}

/** A header from the environment, or one named like a credential, is masked in the task's output. */
function headerValue(name: string, v: string | EnvSecret, what: string): string {
  if (isEnvSecret(v)) return readSecret(v, what);
  if (isCredentialHeader(name)) registerSecret(v);
  return v;
}
