import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { durationMs } from '../config/duration';
import { parseAlertRoutes, type StoredAlertRoutes } from '../dag/alert-spec';
import { ValidationError, type Issue } from '../errors/errors';
import { describeValue } from '../errors/describe-value';
import { JsonSyntaxError, parseJsonWithPositions, type ParsedJson } from '../checks/json-positions';
import { closest } from '../util/did-you-mean';

/**
 * The project's alert defaults, `alerts/routing.json`: where alerts go when a DAG says nothing
 * (`defaults`), per DAG owner (`owners`: a team's channel), where DAG files that do not import
 * alert (`imports`), and the dedupe window. Every problem is reported at once, at its line.
 *
 * ```json
 * { "defaults": { "slack": "#data-alerts" }, "window": "30m",
 *   "owners": { "analytics": { "slack": "#analytics", "email": "analytics@example.com" } },
 *   "imports": { "slack": "#data-platform" } }
 * ```
 */
export interface ProjectRouting {
  readonly file: string | undefined;
  readonly defaults: StoredAlertRoutes;
  readonly owners: Readonly<Record<string, StoredAlertRoutes>>;
  readonly imports: StoredAlertRoutes | null;
  readonly windowMs: number;
}

export const DEFAULT_WINDOW_MS = 30 * 60_000;
const NONE: StoredAlertRoutes = Object.freeze({ slack: [], webhook: [], email: [], on: null });
const KEYS = ['$schema', 'defaults', 'owners', 'imports', 'window'];
const ROUTE_KEYS = ['slack', 'webhook', 'email', 'on'];

export const EMPTY_ROUTING: ProjectRouting = Object.freeze({
  file: undefined,
  defaults: NONE,
  owners: {},
  imports: null,
  windowMs: DEFAULT_WINDOW_MS,
});

/** Reads and checks the file; no file is no defaults. */
export function readProjectRouting(file: string): ProjectRouting {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_ROUTING;
    throw e;
  }
  const name = path.relative(process.cwd(), file) || file;
  let json: ParsedJson;
  try {
    json = parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError)
      throw new ValidationError('CONFIG_INVALID', name, [{ message: e.message, file: name, ...e.position }]);
    throw e;
  }
  const issues: Issue[] = [];
  const at = (pointer: string) => (message: string) =>
    issues.push({ message, file: name, ...(json.locate(pointer, true) ?? json.locate('')) });
  const v = json.value;
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new ValidationError('CONFIG_INVALID', name, [
      { message: `must be an object ({ defaults, owners, imports, window }), got ${describeValue(v)}`, file: name },
    ]);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!KEYS.includes(k)) {
      const hint = closest(k, KEYS);
      at(`/${k}`)(`unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  const routes = (x: unknown, pointer: string, label: string): StoredAlertRoutes => {
    if (x === undefined) return NONE;
    if (!x || typeof x !== 'object' || Array.isArray(x)) {
      at(pointer)(`${label} must be an object ({ slack, webhook, email, on }), got ${describeValue(x)}`);
      return NONE;
    }
    for (const k of Object.keys(x))
      if (!ROUTE_KEYS.includes(k)) {
        const hint = closest(k, ROUTE_KEYS);
        at(`${pointer}/${k}`)(`${label}: unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
      }
    return parseAlertRoutes(x as Record<string, unknown>, label, at(pointer));
  };
  const owners: Record<string, StoredAlertRoutes> = {};
  if (o.owners !== undefined && (typeof o.owners !== 'object' || !o.owners || Array.isArray(o.owners)))
    at('/owners')(`owners must be an object of owner → routes, got ${describeValue(o.owners)}`);
  else
    for (const [owner, r] of Object.entries((o.owners ?? {}) as Record<string, unknown>))
      owners[owner] = routes(r, `/owners/${owner}`, `owners.${owner}`);
  let windowMs = DEFAULT_WINDOW_MS;
  if (o.window !== undefined) {
    try {
      windowMs = durationMs(o.window, 'window', { min: 0, max: 7 * 86_400_000 });
    } catch (e) {
      at('/window')((e as Error).message);
    }
  }
  const result: ProjectRouting = Object.freeze({
    file,
    defaults: routes(o.defaults, '/defaults', 'defaults'),
    owners: Object.freeze(owners),
    imports: o.imports === undefined ? null : routes(o.imports, '/imports', 'imports'),
    windowMs,
  });
  if (issues.length) throw new ValidationError('CONFIG_INVALID', name, issues);
  return result;
}

/** The file, read again only when it changed (the dispatcher asks on every batch). */
export function watchedProjectRouting(file: string): () => ProjectRouting {
  let seen: { key: string; routing: ProjectRouting } | undefined;
  return () => {
    let key = 'missing';
    try {
      const s = statSync(file);
      key = `${s.mtimeMs}:${s.size}`;
    } catch {
      // no file: no defaults
    }
    if (seen?.key !== key) seen = { key, routing: readProjectRouting(file) };
    return seen.routing;
  };
}
