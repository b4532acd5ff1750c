/**
 * The REST API under /api/v1: JSON in and out, errors as `{"error": {"code", "message"}}`, every
 * list paginated (`limit`, default 100, at most 1000; `offset`) and filterable. Each route is one
 * entry of ROUTES (one file per area lists its own), which also builds the OpenAPI document.
 */
import { Router, type Request, type Response } from 'express';
import { SluiceError } from '../../errors/errors';
import { requires, viewerOf } from '../auth';
import type { WebDeps } from '../app';
import { ALERT_ROUTES, ALERT_SCHEMAS } from './alert-routes';
import { BACKFILL_ROUTES, BACKFILL_SCHEMAS } from './backfill-routes';
import { DAG_ROUTES } from './dag-routes';
import { DATA_ROUTES, DATA_SCHEMAS } from './data-routes';
import { QUALITY_ROUTES, QUALITY_SCHEMAS } from './quality-routes';
import { openApiDocument } from './openapi';
import type { ApiRoute } from './route-kit';
import { CORE_SCHEMAS } from './schemas';
import { USER_ROUTES, USER_SCHEMAS } from './user-routes';

export const ROUTES: readonly ApiRoute[] = [
  ...DAG_ROUTES,
  ...BACKFILL_ROUTES,
  ...DATA_ROUTES,
  ...QUALITY_ROUTES,
  ...USER_ROUTES,
  ...ALERT_ROUTES,
];

/** Every component schema the routes refer to (`#/components/schemas/<name>`). */
export const SCHEMAS: Record<string, unknown> = {
  ...CORE_SCHEMAS,
  ...BACKFILL_SCHEMAS,
  ...DATA_SCHEMAS,
  ...QUALITY_SCHEMAS,
  ...USER_SCHEMAS,
  ...ALERT_SCHEMAS,
};

export function apiRoutes(deps: WebDeps): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => void res.json(openApiDocument(ROUTES, SCHEMAS)));
  for (const route of ROUTES) {
    const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    const guard = route.permission === 'public' ? [] : [requires(route.permission)];
    router[route.method](expressPath, ...guard, async (req: Request, res: Response) => {
      const out = await route.handle(req, deps, viewerOf(res));
      res.status(route.status ?? 200);
      if (route.response === 'text') res.type('text/plain; charset=utf-8').send(String(out));
      else res.json(out);
    });
  }
  router.use((req: Request) => {
    throw new SluiceError('NOT_FOUND', `no API route ${req.method} ${req.baseUrl}${req.path}`);
  });
  return router;
}
