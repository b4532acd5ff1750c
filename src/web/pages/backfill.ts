/**
 * Backfill pages: the form (a dry run first, then create), a DAG's backfills, and one backfill with
 * its live progress and runs; Cancel for an Op. Each calls the actions the CLI and the API call.
 */
import type { Express, Request, Response } from 'express';
import { DEFAULT_MAX_RUNS, planBackfill, previewBackfill, type BackfillFields } from '../../actions/backfill';
import {
  backfillRuns,
  cancelBackfill,
  listDagBackfills,
  showBackfill,
  type BackfillSummary,
} from '../../actions/backfills';
import { findDag } from '../../actions/find-dag';
import { pauseDag } from '../../actions/pause-dag';
import { can } from '../../auth/roles';
import { isSluiceError, SluiceError } from '../../errors/errors';
import { requires, viewerOf } from '../auth';
import { confFromForm, paramFields } from '../conf-form';
import { links } from '../../util/links';
import type { WebDeps } from '../app';

const e = encodeURIComponent;
const pages = {
  form: (dagId: string) => `/dags/${e(dagId)}/backfill`,
  list: (dagId: string) => `/dags/${e(dagId)}/backfills`,
  one: (dagId: string, id: number) => `/dags/${e(dagId)}/backfills/${id}`,
  cancel: (dagId: string, id: number) => `/dags/${e(dagId)}/backfills/${id}/cancel`,
};

/** How the form's errors name its fields. */
const FIELDS: BackfillFields = {
  start: 'start',
  end: 'end',
  maxRuns: 'max runs',
  yes: 'tick "create them all"',
  conf: 'conf',
};
const PAGE_SIZE = 50;
/** The preview lists this many intervals, then says how many more. */
const PREVIEW_ROWS = 100;

function offsetOf(req: Request): number {
  const raw = req.query.offset;
  if (raw === undefined) return 0;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw))
    throw new SluiceError('USAGE', `offset must be a whole number >= 0, got "${String(raw)}"`);
  return Number(raw);
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Previous/next links of a paged list (undefined when it fits one page). */
function paging(base: string, query: Record<string, string | undefined>, offset: number, total: number) {
  if (total <= PAGE_SIZE) return undefined;
  const at = (o: number) => {
    const q = new URLSearchParams(Object.entries({ ...query, offset: String(o) }).filter(([, v]) => v) as string[][]);
    return `${base}?${q}`;
  };
  return {
    prev: offset > 0 ? at(Math.max(0, offset - PAGE_SIZE)) : undefined,
    next: offset + PAGE_SIZE < total ? at(offset + PAGE_SIZE) : undefined,
    page: Math.floor(offset / PAGE_SIZE) + 1,
    pages: Math.ceil(total / PAGE_SIZE),
  };
}

/** A backfill as the pages show it: its progress as a percentage, and its links. */
const shown = (b: BackfillSummary) => ({
  ...b,
  ended: b.runs.success + b.runs.failed,
  percent: Math.floor(b.done * 100),
  url: pages.one(b.dagId, b.id),
  cancelUrl: pages.cancel(b.dagId, b.id),
});

export function backfillPages(app: Express, deps: WebDeps): void {
  const { rt } = deps;

  async function renderForm(req: Request, res: Response, sent?: Record<string, unknown>, extra = {}) {
    const dagId = req.params.dagId as string;
    const dag = await findDag(rt.db, dagId);
    const viewer = viewerOf(res)!;
    return deps.render('backfill-form', {
      title: `Backfill ${dagId}`,
      viewer,
      csrf: viewer.csrfToken,
      dagId,
      dagUrl: links.dag(dagId),
      listUrl: pages.list(dagId),
      action: pages.form(dagId),
      timezone: dag.structure.timezone,
      schedule: dag.structure.schedule,
      paused: dag.is_paused,
      maxRuns: DEFAULT_MAX_RUNS.toLocaleString('en-US'),
      fields: paramFields(dag.structure.params, sent),
      values: {
        start: text(sent?.start),
        end: text(sent?.end),
        conf: typeof sent?.conf === 'string' ? sent.conf : '',
        unpause: sent ? sent.unpause === 'on' : true,
      },
      ...extra,
    });
  }

  app.get('/dags/:dagId/backfill', requires('operate'), async (req, res) => {
    res.type('html').send(await renderForm(req, res));
  });

  // intent=preview: the dry run, shown under the form; intent=create: create, then the backfill's page.
  app.post('/dags/:dagId/backfill', requires('operate'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const dag = await findDag(rt.db, dagId);
      const conf = confFromForm(body, dag.structure.params);
      const start = text(body.start);
      const end = text(body.end);
      if (body.intent === 'create') {
        const plan = await planBackfill(rt, dagId, start, end, {
          conf,
          yes: body.confirm === 'on',
          by: viewerOf(res)!.user.username,
          fields: FIELDS,
        });
        if (dag.is_paused && body.unpause === 'on') await pauseDag(rt, dagId, false);
        return res.redirect(303, pages.one(dagId, plan.backfillId));
      }
      const p = await previewBackfill(rt, dagId, start, end, { conf, fields: FIELDS });
      const more = p.intervals.length - PREVIEW_ROWS;
      res.type('html').send(
        await renderForm(req, res, body, {
          preview: {
            ...p,
            conf,
            intervalText: `${p.countIsLowerBound ? 'more than ' : ''}${p.intervalCount.toLocaleString('en-US')}`,
            rows: p.intervals.slice(0, PREVIEW_ROWS).map((i) => ({
              ...i,
              url: i.existing && links.run(dagId, i.existing.runId),
            })),
            more: more > 0 ? more.toLocaleString('en-US') : undefined,
            // Skipped intervals past the listed rows are still named.
            skippedLater: p.intervals.slice(PREVIEW_ROWS).filter((i) => i.existing).length,
          },
        }),
      );
    } catch (err) {
      // A mistake in the form is shown on the form, with what was typed kept.
      if (!isSluiceError(err) || err.code !== 'USAGE') throw err;
      res
        .status(400)
        .type('html')
        .send(await renderForm(req, res, body, { error: err.message }));
    }
  });

  app.get('/dags/:dagId/backfills', requires('read'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const dag = await findDag(rt.db, dagId);
    const state = text(req.query.state) || undefined;
    const offset = offsetOf(req);
    const r = await listDagBackfills(rt, { dagId, state, limit: PAGE_SIZE, offset });
    const viewer = viewerOf(res)!;
    res.type('html').send(
      deps.render('backfills', {
        title: `${dagId} · backfills`,
        viewer,
        canOperate: can(viewer.user.role, 'operate'),
        dagId,
        dagUrl: links.dag(dagId),
        formUrl: pages.form(dagId),
        listUrl: pages.list(dagId),
        timezone: dag.structure.timezone,
        state,
        states: ['running', 'completed', 'cancelled'].map((s) => ({ name: s, selected: s === state })),
        backfills: r.items.map(shown),
        total: r.total,
        paging: paging(pages.list(dagId), { state }, offset, r.total),
        fragment: req.query.fragment === '1',
      }),
    );
  });

  app.get('/dags/:dagId/backfills/:id', requires('read'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const dag = await findDag(rt.db, dagId);
    const b = await showBackfill(rt, dagId, req.params.id as string);
    const state = text(req.query.state) || undefined;
    const offset = offsetOf(req);
    const runs = await backfillRuns(rt, b, { state, limit: PAGE_SIZE, offset });
    const viewer = viewerOf(res)!;
    res.type('html').send(
      deps.render('backfill', {
        title: `${dagId} · backfill ${b.id}`,
        viewer,
        canCancel: can(viewer.user.role, 'operate') && b.state === 'running',
        dagId,
        dagUrl: links.dag(dagId),
        listUrl: pages.list(dagId),
        timezone: dag.structure.timezone,
        paused: dag.is_paused,
        b: shown(b),
        hasConf: Object.keys(b.conf).length > 0,
        state,
        states: ['queued', 'running', 'success', 'failed'].map((s) => ({ name: s, selected: s === state })),
        runs: runs.items.map((r) => ({ ...r, url: links.run(dagId, r.runId) })),
        runsTotal: runs.total,
        paging: paging(pages.one(dagId, b.id), { state }, offset, runs.total),
        fragment: req.query.fragment === '1',
      }),
    );
  });

  // The confirmation: what cancelling does, then a button to do it.
  app.get('/dags/:dagId/backfills/:id/cancel', requires('operate'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const b = await showBackfill(rt, dagId, req.params.id as string);
    const viewer = viewerOf(res)!;
    res.type('html').send(
      deps.render('backfill-cancel', {
        title: `Cancel backfill ${b.id}`,
        viewer,
        csrf: viewer.csrfToken,
        dagId,
        dagUrl: links.dag(dagId),
        b: shown(b),
      }),
    );
  });

  app.post('/dags/:dagId/backfills/:id/cancel', requires('operate'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const r = await cancelBackfill(rt, dagId, req.params.id as string, viewerOf(res)!.user.username);
    res.redirect(303, pages.one(dagId, r.backfill.id));
  });
}
