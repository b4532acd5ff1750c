/**
 * The web UI and REST API as one express app. Routes only parse the request, call an action (the
 * same functions the CLI calls) and render or serialise the result; every page and API route
 * declares the permission it needs.
 */
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import type { Runtime } from '../actions/runtime';
import { isSluiceError, SluiceError } from '../errors/errors';
import { identify, requires, viewerOf } from './auth';
import { httpStatus } from './http-errors';
import { liveHub, type LiveHub } from './live';
import { createRenderer, type Renderer } from './render';
import { loginRoutes } from './pages/login';
import { dagsPages } from './pages/dags';
import { dagPages } from './pages/dag';
import { taskInstancePages } from './pages/task-instance';
import { adminPages } from './pages/admin';
import { dataPages } from './pages/data';
import { backfillPages } from './pages/backfill';
import { alertsPages } from './pages/alerts';
import { apiRoutes } from './api/routes';

export interface WebDeps {
  readonly rt: Runtime;
  readonly render: Renderer;
  readonly live: LiveHub;
  /** Cookies get the Secure flag (the public address is https). */
  readonly secureCookies: boolean;
}

export interface WebApp {
  readonly app: express.Express;
  close(): void;
}

export function createApp(rt: Runtime): WebApp {
  const deps: WebDeps = {
    rt,
    render: createRenderer(),
    live: liveHub(rt.db),
    secureCookies: rt.config.web.baseUrl?.startsWith('https://') ?? false,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      strictTransportSecurity: deps.secureCookies,
    }),
  );
  // Pages and JSON are sent compressed; the live stream is not (it must flush each event at once).
  app.use(compression({ filter: (req, res) => req.path !== '/live' && compression.filter(req, res) }));
  app.use('/static', express.static(path.join(__dirname, 'static'), { maxAge: '1h', index: false }));
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.use(express.urlencoded({ extended: false, limit: '256kb' }));
  app.use(express.json({ limit: '1mb' }));
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(identify(rt.db));
  app.use('/api/v1', apiRoutes(deps));
  app.get('/live', requires('read'), (req, res) => deps.live.stream(req, res));
  // Data Docs, as checkpoints write them (static HTML), for anyone who may read the UI.
  app.use(
    '/data-docs',
    requires('read'),
    // Data Docs pages carry their own <style> (they are also opened as files): allow it, scripts stay off.
    (_req: Request, res: Response, next: NextFunction) => {
      res.set(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
      );
      next();
    },
    express.static(rt.config.dataDocsDir, { index: 'index.html', dotfiles: 'deny', fallthrough: true }),
  );
  loginRoutes(app, deps);
  dagsPages(app, deps);
  dagPages(app, deps);
  taskInstancePages(app, deps);
  adminPages(app, deps);
  dataPages(app, deps);
  backfillPages(app, deps);
  alertsPages(app, deps);
  app.get('/', (_req, res) => res.redirect('/dags'));
  app.use((req: Request) => {
    throw new SluiceError('NOT_FOUND', `no page ${req.path}`);
  });
  app.use(errorHandler(deps));
  return { app, close: () => deps.live.close() };
}

function errorHandler(deps: WebDeps) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = isSluiceError(err);
    // express's own errors (a body that is not JSON, one too large) carry a 4xx status.
    const status = known ? httpStatus(err.code) : ((err as { status?: number }).status ?? 500);
    const code = known ? err.code : status < 500 ? 'USAGE' : 'INTERNAL';
    const message = known || status < 500 ? (err as Error).message : 'internal error: see the web server log';
    if (status >= 500) deps.rt.log.error('%s %s: %s', req.method, req.path, (err as Error)?.stack ?? String(err));
    if (res.headersSent) return void res.end();
    if (req.path.startsWith('/api/')) return void res.status(status).json({ error: { code, message } });
    if (status === 401) return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    res
      .status(status)
      .type('html')
      .send(deps.render('error', { title: `${status}`, status, code, message, viewer: viewerOf(res) }));
  };
}
