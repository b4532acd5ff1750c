/**
 * What every API route file shares: the route's shape (one entry builds the express handler and
 * its OpenAPI operation) and the paging and query-parameter readers.
 */
import type { Request } from 'express';
import type { Permission } from '../../auth/roles';
import { SluiceError } from '../../errors/errors';
import type { Viewer } from '../auth';
import type { WebDeps } from '../app';

export interface QueryParam {
  readonly name: string;
  readonly description: string;
  readonly schema: Record<string, unknown>;
}

export interface ApiRoute {
  readonly method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI style: `/dags/{dag_id}`. */
  readonly path: string;
  readonly summary: string;
  readonly permission: Permission | 'public';
  readonly query?: readonly QueryParam[];
  readonly body?: Record<string, unknown>;
  readonly status?: number;
  /** The success response's schema; `text` for plain text (logs). */
  readonly response: Record<string, unknown> | 'text';
  readonly handle: (req: Request, deps: WebDeps, viewer: Viewer | undefined) => Promise<unknown>;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
export const PAGING: QueryParam[] = [
  {
    name: 'limit',
    description: `page size (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT },
  },
  { name: 'offset', description: 'items to skip', schema: { type: 'integer', minimum: 0 } },
];

export function paging(req: Request): { limit: number; offset: number } {
  const num = (name: string, fallback: number, min: number, max: number) => {
    const raw = req.query[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < min || n > max)
      throw new SluiceError('USAGE', `${name} must be a whole number from ${min} to ${max}, got "${String(raw)}"`);
    return n;
  };
  return { limit: num('limit', DEFAULT_LIMIT, 1, MAX_LIMIT), offset: num('offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

export function queryText(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new SluiceError('USAGE', `${name} must be given once`);
  return v;
}

export const paged = <T>(all: readonly T[], p: { limit: number; offset: number }) => ({
  items: all.slice(p.offset, p.offset + p.limit),
  total: all.length,
  ...p,
});

/** `state`: runs in one state. */
export const RUN_STATE_PARAM: QueryParam = {
  name: 'state',
  description: 'only runs in this state',
  schema: { enum: ['queued', 'running', 'success', 'failed'] },
};

/** An ISO date-time query parameter. */
export function queryDate(req: Request, name: string): Date | undefined {
  const v = queryText(req, name);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime()))
    throw new SluiceError('USAGE', `${name} must be an ISO date or date-time, got "${v}"`);
  return d;
}

/** A `true`/`false` query parameter. */
export function queryBool(req: Request, name: string): boolean | undefined {
  const v = queryText(req, name);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw new SluiceError('USAGE', `${name} must be true or false, got "${v}"`);
  return v === 'true';
}

/** A path parameter (express has decoded it). */
export const param = (req: Request, name: string) => req.params[name] as string;
