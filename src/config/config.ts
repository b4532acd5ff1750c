import os from 'node:os';
import path from 'node:path';
import { byteSize } from './byte-size';
import { connectionPasswords, redactConnectionString } from '../secrets/connection-string';
import { durationMs, formatDuration, MAX_TIMER_MS, type DurationRange } from './duration';
import { SluiceError, ValidationError } from '../errors/errors';
import type { ObjectStoreSettings } from '../lake/object-store';

/**
 * Everything Sluice reads from the environment, resolved once at start into a frozen object.
 * Modules receive the slices they need; nothing else reads process.env.
 */
export interface Config {
  /** Real Postgres; undefined means the embedded PGlite database under `home`. */
  readonly databaseUrl: string | undefined;
  readonly home: string;
  readonly dagsFolder: string;
  /** The folder holding `sql/` (SQL models, `sql/sources.yml`, `sql/macros/`). */
  readonly projectRoot: string;
  /** Where `models compile` writes the rendered SQL (`<target>/compiled/<schema>/<model>.sql`). */
  readonly targetFolder: string;
  /** Where validations are rendered as static HTML (Data Docs). */
  readonly dataDocsDir: string;
  /** Expectation suites (`<name>.json`). */
  readonly expectationsDir: string;
  readonly parse: { readonly timeoutMs: number; readonly processes: number };
  readonly executor: {
    readonly workers: number;
    readonly pollMs: number;
    readonly heartbeatMs: number;
    readonly defaultTimeoutMs: number | undefined;
    /** Most bytes of output kept per try; the rest is counted and dropped, with a note. */
    readonly logLimitBytes: number;
  };
  readonly scheduler: { readonly tickMs: number; readonly zombieThresholdMs: number; readonly catchupBatch: number };
  readonly lakeDir: string;
  /** MinIO/S3 when MINIO_ENDPOINT is set, else the local folder `lakeDir`. */
  readonly objectStore: ObjectStoreSettings;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly web: {
    readonly host: string;
    /** 0: any free port (tests). */
    readonly port: number;
    /** The address people open (links in alerts); https here makes session cookies Secure. */
    readonly baseUrl: string | undefined;
  };
  readonly alerts: AlertSettings;
}

/** Alert channels and the dispatcher's pace. The credentials are secrets: masked wherever text leaves (see src/alerts). */
export interface AlertSettings {
  /** routing.json (project defaults) and templates/ (message overrides). */
  readonly dir: string;
  readonly slack: { readonly token: string; readonly apiUrl: string | undefined } | undefined;
  /** Slack incoming webhooks by name; the URLs are secrets. */
  readonly webhooks: Readonly<Record<string, string>>;
  readonly email: { readonly url: string; readonly from: string; readonly caFile: string | undefined } | undefined;
  readonly paceMs: number;
  /** How long one send may take; a claimed alert's lease is twice this and a second. */
  readonly timeoutMs: number;
  readonly retry: { readonly baseMs: number; readonly maxMs: number; readonly maxAttempts: number };
  readonly pollMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Every setting, its meaning and its default: resolveConfig applies these defaults, `--help` and
 * the README's table (checked by a test) show them. A default in parentheses is a description: none.
 */
export const ENV_VARS: ReadonlyArray<readonly [name: string, meaning: string, fallback: string]> = [
  ['DATABASE_URL', 'Postgres connection string; unset = embedded PGlite in $SLUICE_HOME/pgdata', '(embedded)'],
  ['SLUICE_HOME', 'State folder for the embedded database, local lake and logs', '.sluice'],
  ['SLUICE_DAGS_FOLDER', 'Folder walked for DAG files (**/*.ts)', 'dags'],
  [
    'SLUICE_PROJECT_DIR',
    'Project folder holding sql/ (models, sources.yml, macros), seeds/ and sluice_project.yml; dags/ and expectations/ have their own settings',
    '.',
  ],
  ['SLUICE_TARGET_DIR', 'Where `models compile` writes compiled SQL', 'target'],
  ['SLUICE_EXPECTATIONS_DIR', 'Folder of expectation suites (*.json)', 'expectations'],
  ['SLUICE_DATA_DOCS_DIR', 'Where validation results are written as static HTML (Data Docs)', '$SLUICE_HOME/data-docs'],
  ['SLUICE_PARSE_TIMEOUT', 'Time one DAG file may take to import (100ms to 1h)', '30s'],
  ['SLUICE_PARSE_PROCESSES', 'Parser child processes', '2'],
  ['SLUICE_WORKERS', 'Worker child processes of the local executor (parallelism)', 'max(2, CPUs)'],
  ['SLUICE_POLL_INTERVAL', 'How often an idle executor looks for queued tasks (10ms to 10m)', '500ms'],
  ['SLUICE_HEARTBEAT_INTERVAL', 'Worker heartbeat period (100ms to 10m)', '5s'],
  ['SLUICE_TASK_TIMEOUT', 'Default execution timeout of a task without one (100ms to 24d)', '(none)'],
  [
    'SLUICE_TASK_LOG_LIMIT',
    'Most output kept per task try (the rest is dropped, with a note in the log; at least 1kB)',
    '32MiB',
  ],
  ['SLUICE_SCHEDULER_TICK', 'Scheduler loop period (file changes, due runs, retries, zombies; 10ms to 10m)', '1s'],
  [
    'SLUICE_ZOMBIE_THRESHOLD',
    'Heartbeat age after which a running task counts as lost (1s to 1d, at least twice the heartbeat)',
    '30s',
  ],
  ['SLUICE_CATCHUP_BATCH', 'Most runs one DAG gets created per scheduler tick during catchup', '64'],
  ['SLUICE_LAKE_DIR', 'Local object store root (used when no MinIO endpoint is set)', '$SLUICE_HOME/lake'],
  [
    'MINIO_ENDPOINT',
    'MinIO/S3 URL, e.g. http://127.0.0.1:9000 (scheme sets TLS; port defaults to 80/443); unset = local lake folder',
    '(local)',
  ],
  ['MINIO_ACCESS_KEY', 'Access key for MINIO_ENDPOINT (required with it)', '(none)'],
  ['MINIO_SECRET_KEY', 'Secret key for MINIO_ENDPOINT (required with it)', '(none)'],
  ['MINIO_REGION', 'Region sent to MinIO/S3', 'us-east-1'],
  ['SLUICE_LOG_LEVEL', 'debug | info | warn | error', 'info'],
  ['SLUICE_WEB_HOST', 'Address the web UI and API listen on (0.0.0.0 for every interface)', '127.0.0.1'],
  ['SLUICE_WEB_PORT', 'Port of the web UI and API (0 = any free port)', '8080'],
  [
    'SLUICE_WEB_BASE_URL',
    'Public address of the web UI, for links in alerts (SLUICE_BASE_URL is read too); https:// makes cookies Secure',
    '(the listening address)',
  ],
  [
    'SLUICE_ALERTS_DIR',
    'Folder of the alert defaults (routing.json: defaults, owners, imports, window) and message templates (templates/*.hbs)',
    '$SLUICE_PROJECT_DIR/alerts',
  ],
  ['SLACK_BOT_TOKEN', 'Slack bot token (xoxb-…) alerts post with (chat.postMessage); a secret', '(none)'],
  ['SLACK_API_URL', 'Slack Web API address (a stand-in for tests)', 'https://slack.com/api/'],
  [
    'SLACK_WEBHOOK_URL',
    'Slack incoming webhook named "default"; SLACK_WEBHOOK_URL_<NAME> adds the webhook <name> (lowercased, _ as -); secrets',
    '(none)',
  ],
  [
    'SMTP_URL',
    'SMTP server for alert email: smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465; a secret',
    '(none)',
  ],
  ['SMTP_FROM', 'From address of alert email', 'sluice@<hostname>'],
  ['SMTP_CA_FILE', 'PEM file of a certificate authority to trust for SMTP TLS (a self-signed server)', '(none)'],
  [
    'SLUICE_ALERTS_PACE',
    'Least time between two messages to one Slack channel or webhook (Slack takes about one a second; 0 to 1m)',
    '1s',
  ],
  [
    'SLUICE_ALERTS_RETRY',
    'First wait before an alert a provider did not take is sent again (doubling, up to 5 minutes; 10ms to 5m)',
    '2s',
  ],
  ['SLUICE_ALERTS_TIMEOUT', 'How long one send to Slack or SMTP may take before it is tried again (1s to 5m)', '10s'],
  ['SLUICE_ALERTS_MAX_ATTEMPTS', 'Sends of one alert before it is recorded as failed', '12'],
  ['SLUICE_ALERTS_POLL', 'How often the alert dispatcher looks for events besides NOTIFY (10ms to 1m)', '500ms'],
];

/**
 * The default ENV_VARS shows for `name`, as resolveConfig applies it: '' where there is none
 * ("(none)", "(embedded)"); a folder under `$SLUICE_HOME/` is expanded by the caller.
 */
function fallback(name: string): string {
  const entry = ENV_VARS.find(([n]) => n === name);
  if (!entry) throw new Error(`${name} is not in ENV_VARS`);
  return entry[2].startsWith('(') ? '' : entry[2];
}

/** A default folder under the state folder (`$SLUICE_HOME/lake`). */
const underHome = (folder: string, home: string) => folder.replace(/^\$SLUICE_HOME(?=\/|$)/, home);

interface IntSetting {
  readonly min: number;
  readonly max: number;
  /** A default ENV_VARS can only describe (`max(2, CPUs)`). */
  readonly computed?: () => number;
}

/** Whole-number settings and their bounds: 10,000 workers would fork-bomb the machine. */
const INTS = {
  SLUICE_PARSE_PROCESSES: { min: 1, max: 64 },
  SLUICE_WORKERS: { min: 1, max: 256, computed: () => Math.max(2, os.cpus().length) },
  SLUICE_CATCHUP_BATCH: { min: 1, max: 10_000 },
  SLUICE_WEB_PORT: { min: 0, max: 65_535 },
  SLUICE_ALERTS_MAX_ATTEMPTS: { min: 1, max: 100 },
} satisfies Record<string, IntSetting>;

/** Duration settings and their bounds: zero would busy-loop (a zero heartbeat writes to the database nonstop). */
const DURATIONS: Record<string, DurationRange> = {
  SLUICE_PARSE_TIMEOUT: { min: 100, max: 3_600_000 },
  SLUICE_POLL_INTERVAL: { min: 10, max: 600_000 },
  SLUICE_HEARTBEAT_INTERVAL: { min: 100, max: 600_000 },
  SLUICE_TASK_TIMEOUT: { min: 100, max: MAX_TIMER_MS },
  SLUICE_SCHEDULER_TICK: { min: 10, max: 600_000 },
  SLUICE_ZOMBIE_THRESHOLD: { min: 1000, max: 86_400_000 },
  SLUICE_ALERTS_PACE: { min: 0, max: 60_000 },
  SLUICE_ALERTS_RETRY: { min: 10, max: 300_000 },
  SLUICE_ALERTS_TIMEOUT: { min: 1000, max: 300_000 },
  SLUICE_ALERTS_POLL: { min: 10, max: 60_000 },
};

/** Reads settings, collecting every bad one so all are reported together. */
function reader(env: Env, issues: string[]) {
  return {
    int(name: keyof typeof INTS): number {
      const { min, max, computed }: IntSetting = INTS[name];
      const byDefault = computed ? computed() : Number(fallback(name));
      const raw = env[name];
      if (raw === undefined || raw === '') return byDefault;
      const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!(n >= min && n <= max)) {
        issues.push(`${name} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, got "${raw}"`);
        return byDefault;
      }
      return n;
    },
    bytes(name: string, min: number): number {
      try {
        return byteSize(env[name] || fallback(name), name, min);
      } catch (e) {
        issues.push((e as Error).message);
        return byteSize(fallback(name), name);
      }
    },
    dur(name: keyof typeof DURATIONS): number {
      const range = DURATIONS[name];
      try {
        return durationMs(env[name] || fallback(name), name, range);
      } catch (e) {
        issues.push((e as Error).message);
        return range.min;
      }
    },
  };
}

export function resolveConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const issues: string[] = [];
  const read = reader(env, issues);
  const home = path.resolve(cwd, env.SLUICE_HOME || fallback('SLUICE_HOME'));
  const level = (env.SLUICE_LOG_LEVEL || fallback('SLUICE_LOG_LEVEL')) as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    issues.push(`SLUICE_LOG_LEVEL must be debug, info, warn or error, got "${level}"`);
  }
  const folder = (name: string) => path.resolve(cwd, env[name] || underHome(fallback(name), home));
  const lakeDir = folder('SLUICE_LAKE_DIR');
  const heartbeatMs = read.dur('SLUICE_HEARTBEAT_INTERVAL');
  const zombieThresholdMs = read.dur('SLUICE_ZOMBIE_THRESHOLD');
  if (!issues.length && zombieThresholdMs < 2 * heartbeatMs) {
    // A task is lost once its heartbeat is older than the threshold: below two beats, healthy tasks are failed.
    issues.push(
      `SLUICE_ZOMBIE_THRESHOLD (${formatDuration(zombieThresholdMs)}) must be at least twice SLUICE_HEARTBEAT_INTERVAL (${formatDuration(heartbeatMs)}), or running tasks count as lost between two heartbeats`,
    );
  }
  const config: Config = {
    databaseUrl: env.DATABASE_URL || undefined,
    home,
    dagsFolder: folder('SLUICE_DAGS_FOLDER'),
    projectRoot: folder('SLUICE_PROJECT_DIR'),
    targetFolder: folder('SLUICE_TARGET_DIR'),
    dataDocsDir: folder('SLUICE_DATA_DOCS_DIR'),
    expectationsDir: folder('SLUICE_EXPECTATIONS_DIR'),
    parse: { timeoutMs: read.dur('SLUICE_PARSE_TIMEOUT'), processes: read.int('SLUICE_PARSE_PROCESSES') },
    executor: {
      workers: read.int('SLUICE_WORKERS'),
      pollMs: read.dur('SLUICE_POLL_INTERVAL'),
      heartbeatMs,
      defaultTimeoutMs: env.SLUICE_TASK_TIMEOUT ? read.dur('SLUICE_TASK_TIMEOUT') : undefined,
      logLimitBytes: read.bytes('SLUICE_TASK_LOG_LIMIT', 1024),
    },
    scheduler: {
      tickMs: read.dur('SLUICE_SCHEDULER_TICK'),
      zombieThresholdMs,
      catchupBatch: read.int('SLUICE_CATCHUP_BATCH'),
    },
    lakeDir,
    objectStore: { kind: 'local', root: lakeDir },
    logLevel: level,
    web: {
      host: env.SLUICE_WEB_HOST || fallback('SLUICE_WEB_HOST'),
      port: read.int('SLUICE_WEB_PORT'),
      baseUrl: webBaseUrl(env.SLUICE_WEB_BASE_URL || env.SLUICE_BASE_URL, issues),
    },
    alerts: alertSettings(env, read, issues, (name) => path.resolve(cwd, name)),
  };
  let objectStoreSettings: ObjectStoreSettings = config.objectStore;
  try {
    objectStoreSettings = objectStore(env, lakeDir);
  } catch (e) {
    issues.push((e as Error).message);
  }
  if (issues.length === 1) throw new SluiceError('CONFIG_INVALID', issues[0]);
  if (issues.length)
    throw new ValidationError(
      'CONFIG_INVALID',
      'configuration',
      issues.map((message) => ({ message })),
    );
  return deepFreeze({ ...config, objectStore: objectStoreSettings });
}

/**
 * The alert channels' secrets as text may hold them: the bot token, each webhook URL and its path
 * (services/T…/B…/…), the SMTP URL and its password. Alert texts and task logs are masked with these.
 */
export function alertCredentials(a: AlertSettings): string[] {
  const out: string[] = [];
  if (a.slack) out.push(a.slack.token);
  for (const url of Object.values(a.webhooks)) out.push(url, new URL(url).pathname.replace(/^\//, ''));
  if (a.email) out.push(a.email.url, ...connectionPasswords(a.email.url));
  return out;
}

function alertSettings(
  env: Env,
  read: ReturnType<typeof reader>,
  issues: string[],
  resolve: (p: string) => string,
): AlertSettings {
  const projectRoot = resolve(env.SLUICE_PROJECT_DIR || fallback('SLUICE_PROJECT_DIR'));
  const webhooks: Record<string, string> = {};
  for (const [name, url] of Object.entries(env)) {
    const m = /^SLACK_WEBHOOK_URL(?:_([A-Z0-9_]+))?$/.exec(name);
    if (!m || !url) continue;
    // Said without the URL: it is the secret.
    if (!/^https?:\/\//.test(url)) issues.push(`${name} must be an http(s):// URL (the webhook's address)`);
    else webhooks[m[1] ? m[1].toLowerCase().replace(/_/g, '-') : 'default'] = url;
  }
  const smtp = env.SMTP_URL;
  if (smtp && !/^smtps?:\/\//.test(smtp))
    issues.push(`SMTP_URL must start with smtp:// or smtps://, got "${redactConnectionString(smtp)}"`);
  return {
    dir: env.SLUICE_ALERTS_DIR ? resolve(env.SLUICE_ALERTS_DIR) : path.join(projectRoot, 'alerts'),
    slack: env.SLACK_BOT_TOKEN ? { token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL || undefined } : undefined,
    webhooks,
    email:
      smtp && /^smtps?:\/\//.test(smtp)
        ? {
            url: smtp,
            from: env.SMTP_FROM || `sluice@${os.hostname()}`,
            caFile: env.SMTP_CA_FILE ? resolve(env.SMTP_CA_FILE) : undefined,
          }
        : undefined,
    paceMs: read.dur('SLUICE_ALERTS_PACE'),
    timeoutMs: read.dur('SLUICE_ALERTS_TIMEOUT'),
    retry: {
      baseMs: read.dur('SLUICE_ALERTS_RETRY'),
      maxMs: 300_000,
      maxAttempts: read.int('SLUICE_ALERTS_MAX_ATTEMPTS'),
    },
    pollMs: read.dur('SLUICE_ALERTS_POLL'),
  };
}

function webBaseUrl(raw: string | undefined, issues: string[]): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  issues.push(`SLUICE_WEB_BASE_URL must be an http:// or https:// URL, got "${raw}"`);
  return undefined;
}

function objectStore(env: Env, lakeDir: string): ObjectStoreSettings {
  const raw = env.MINIO_ENDPOINT;
  if (!raw) return { kind: 'local', root: lakeDir };
  // The value as written, but never the credentials someone put in it.
  const bad = (why: string) =>
    new SluiceError(
      'CONFIG_INVALID',
      `MINIO_ENDPOINT ${why}, got "${redactConnectionString(raw)}" (expected a URL like http://127.0.0.1:9000)`,
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('must start with http:// or https://');
  if (url.username || url.password)
    throw bad('must not contain credentials (use MINIO_ACCESS_KEY and MINIO_SECRET_KEY)');
  if (url.pathname !== '/' || url.search || url.hash) throw bad('must be scheme, host and port only');
  const missing = ['MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY'].filter((n) => !env[n]);
  if (missing.length)
    throw new SluiceError('CONFIG_INVALID', `MINIO_ENDPOINT is set, so ${missing.join(' and ')} must be set too`);
  const useSSL = url.protocol === 'https:';
  return {
    kind: 's3',
    endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: env.MINIO_ACCESS_KEY!,
    secretKey: env.MINIO_SECRET_KEY!,
    region: env.MINIO_REGION || fallback('MINIO_REGION'),
  };
}

/** Copy of `config` with some fields replaced, still frozen (tests and CLI flags use it). */
export function withOverrides(config: Config, patch: { [K in keyof Config]?: Partial<Config[K]> | Config[K] }): Config {
  const out: Record<string, unknown> = { ...config };
  for (const [k, v] of Object.entries(patch)) {
    const cur = (config as unknown as Record<string, unknown>)[k];
    out[k] = v && typeof v === 'object' && cur && typeof cur === 'object' ? { ...cur, ...v } : v;
  }
  return deepFreeze(out as unknown as Config);
}

/** Freezes `o` and everything in it (a configuration that came over IPC is a plain copy). */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
