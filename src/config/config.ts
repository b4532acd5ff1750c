import os from 'node:os';
import path from 'node:path';
import { byteSize } from './byte-size';
import { durationMs } from './duration';
import { SluiceError } from '../errors/errors';
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
}

type Env = Readonly<Record<string, string | undefined>>;

export const ENV_VARS: ReadonlyArray<readonly [name: string, meaning: string, fallback: string]> = [
  ['DATABASE_URL', 'Postgres connection string; unset = embedded PGlite in $SLUICE_HOME/pgdata', '(embedded)'],
  ['SLUICE_HOME', 'State folder for the embedded database, local lake and logs', '.sluice'],
  ['SLUICE_DAGS_FOLDER', 'Folder walked for DAG files (**/*.ts)', 'dags'],
  ['SLUICE_PROJECT_DIR', 'Folder holding sql/ (models, sources.yml, macros)', '.'],
  ['SLUICE_TARGET_DIR', 'Where `models compile` writes compiled SQL', 'target'],
  ['SLUICE_EXPECTATIONS_DIR', 'Folder of expectation suites (*.json)', 'expectations'],
  ['SLUICE_DATA_DOCS_DIR', 'Where validation results are written as static HTML (Data Docs)', '$SLUICE_HOME/data-docs'],
  ['SLUICE_PARSE_TIMEOUT', 'Time one DAG file may take to import', '30s'],
  ['SLUICE_PARSE_PROCESSES', 'Parser child processes', '2'],
  ['SLUICE_WORKERS', 'Worker child processes of the local executor (parallelism)', 'max(2, CPUs)'],
  ['SLUICE_POLL_INTERVAL', 'How often an idle executor looks for queued tasks', '500ms'],
  ['SLUICE_HEARTBEAT_INTERVAL', 'Worker heartbeat period', '5s'],
  ['SLUICE_TASK_TIMEOUT', 'Default execution timeout of a task without one', '(none)'],
  ['SLUICE_TASK_LOG_LIMIT', 'Most output kept per task try (the rest is dropped, with a note in the log)', '32MiB'],
  ['SLUICE_SCHEDULER_TICK', 'Scheduler loop period (file changes, due runs, retries, zombies)', '1s'],
  ['SLUICE_ZOMBIE_THRESHOLD', 'Heartbeat age after which a running task counts as lost', '30s'],
  ['SLUICE_CATCHUP_BATCH', 'Most runs one DAG gets created per scheduler tick during catchup', '64'],
  ['SLUICE_LAKE_DIR', 'Local object store root (used when no MinIO endpoint is set)', '$SLUICE_HOME/lake'],
  ['MINIO_ENDPOINT', 'MinIO/S3 URL, e.g. http://127.0.0.1:9000 (scheme sets TLS; port defaults to 80/443); unset = local lake folder', '(local)'],
  ['MINIO_ACCESS_KEY', 'Access key for MINIO_ENDPOINT (required with it)', '(none)'],
  ['MINIO_SECRET_KEY', 'Secret key for MINIO_ENDPOINT (required with it)', '(none)'],
  ['MINIO_REGION', 'Region sent to MinIO/S3', 'us-east-1'],
  ['SLUICE_LOG_LEVEL', 'debug | info | warn | error', 'info'],
];

function int(env: Env, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new SluiceError('CONFIG_INVALID', `${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function dur(env: Env, name: string, fallback: string): number {
  return durationMs(env[name] || fallback, name);
}

export function resolveConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const home = path.resolve(cwd, env.SLUICE_HOME || '.sluice');
  const level = (env.SLUICE_LOG_LEVEL || 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new SluiceError('CONFIG_INVALID', `SLUICE_LOG_LEVEL must be debug, info, warn or error, got "${level}"`);
  }
  const lakeDir = path.resolve(cwd, env.SLUICE_LAKE_DIR || path.join(home, 'lake'));
  return deepFreeze({
    databaseUrl: env.DATABASE_URL || undefined,
    home,
    dagsFolder: path.resolve(cwd, env.SLUICE_DAGS_FOLDER || 'dags'),
    projectRoot: path.resolve(cwd, env.SLUICE_PROJECT_DIR || '.'),
    targetFolder: path.resolve(cwd, env.SLUICE_TARGET_DIR || 'target'),
    dataDocsDir: path.resolve(cwd, env.SLUICE_DATA_DOCS_DIR || path.join(home, 'data-docs')),
    expectationsDir: path.resolve(cwd, env.SLUICE_EXPECTATIONS_DIR || 'expectations'),
    parse: { timeoutMs: dur(env, 'SLUICE_PARSE_TIMEOUT', '30s'), processes: int(env, 'SLUICE_PARSE_PROCESSES', 2) },
    executor: {
      workers: int(env, 'SLUICE_WORKERS', Math.max(2, os.cpus().length)),
      pollMs: dur(env, 'SLUICE_POLL_INTERVAL', '500ms'),
      heartbeatMs: dur(env, 'SLUICE_HEARTBEAT_INTERVAL', '5s'),
      defaultTimeoutMs: env.SLUICE_TASK_TIMEOUT ? dur(env, 'SLUICE_TASK_TIMEOUT', '0s') : undefined,
      logLimitBytes: byteSize(env.SLUICE_TASK_LOG_LIMIT || '32MiB', 'SLUICE_TASK_LOG_LIMIT', 1024),
    },
    scheduler: {
      tickMs: dur(env, 'SLUICE_SCHEDULER_TICK', '1s'),
      zombieThresholdMs: dur(env, 'SLUICE_ZOMBIE_THRESHOLD', '30s'),
      catchupBatch: int(env, 'SLUICE_CATCHUP_BATCH', 64),
    },
    lakeDir,
    objectStore: objectStore(env, lakeDir),
    logLevel: level,
  });
}

function objectStore(env: Env, lakeDir: string): ObjectStoreSettings {
  const raw = env.MINIO_ENDPOINT;
  if (!raw) return { kind: 'local', root: lakeDir };
  const bad = (why: string) => new SluiceError('CONFIG_INVALID', `MINIO_ENDPOINT ${why}, got "${raw}" (expected a URL like http://127.0.0.1:9000)`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('must start with http:// or https://');
  if (url.username || url.password) throw bad('must not contain credentials (use MINIO_ACCESS_KEY and MINIO_SECRET_KEY)');
  if (url.pathname !== '/' || url.search || url.hash) throw bad('must be scheme, host and port only');
  const missing = ['MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY'].filter((n) => !env[n]);
  if (missing.length) throw new SluiceError('CONFIG_INVALID', `MINIO_ENDPOINT is set, so ${missing.join(' and ')} must be set too`);
  const useSSL = url.protocol === 'https:';
  return {
    kind: 's3',
    endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: env.MINIO_ACCESS_KEY!,
    secretKey: env.MINIO_SECRET_KEY!,
    region: env.MINIO_REGION || 'us-east-1',
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

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
