import type { Express, Request } from 'express';
import { filterDags, listDags, withNextRuns } from '../../actions/list-dags';
import { pauseDag } from '../../actions/pause-dag';
import { lastRunStates, recentRunsOfDags, type RecentRun } from '../../state/web-views';
import { can } from '../../auth/roles';
import { requires, viewerOf } from '../auth';
import { links } from '../../util/links';
import type { WebDeps } from '../app';

const RECENT_RUNS = 10;
/** DAGs per page of the list, as Airflow's (which shows 25 by default). */
const PAGE_SIZE = 50;

function text(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v.trim() : '';
}

export function dagsPages(app: Express, deps: WebDeps): void {
  app.get('/dags', requires('read'), async (req, res) => {
    const { dags, importErrors } = await listDags(deps.rt.db);
    const filter = { q: text(req, 'q'), tag: text(req, 'tag'), owner: text(req, 'owner'), state: text(req, 'state') };
    const byRunState = filter.state && filter.state !== 'paused' && filter.state !== 'active';
    const lastState = byRunState ? await lastRunStates(deps.rt.db) : undefined;
    const matching = filterDags(dags, filter).filter(
      (d) =>
        !filter.state ||
        (filter.state === 'paused'
          ? d.paused
          : filter.state === 'active'
            ? !d.paused
            : lastState!.get(d.dagId) === filter.state),
    );
    const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
    const pageNo = Math.min(pages, Math.max(1, Number(req.query.page) || 1));
    const shown = matching.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
    const recent = await recentRunsOfDags(
      deps.rt.db,
      RECENT_RUNS,
      shown.map((d) => d.dagId),
    );
    const runsOf = new Map<string, RecentRun[]>();
    for (const r of recent) runsOf.set(r.dag_id, [...(runsOf.get(r.dag_id) ?? []), r]);
    const pageUrl = (n: number) =>
      `/dags?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)), page: String(n) })}`;
    const viewer = viewerOf(res)!;
    res.type('html').send(
      deps.render('dags', {
        title: 'DAGs',
        viewer,
        canOperate: can(viewer.user.role, 'operate'),
        dags: (await withNextRuns(deps.rt.db, shown)).map((d) => ({
          ...d,
          url: links.dag(d.dagId),
          pauseUrl: links.pause(d.dagId),
          // Oldest first, so the newest square is on the right, as in Airflow.
          runs: [...(runsOf.get(d.dagId) ?? [])].reverse().map((r) => ({ ...r, url: links.run(d.dagId, r.run_id) })),
        })),
        matching: matching.length,
        total: dags.length,
        paging:
          pages > 1
            ? {
                page: pageNo,
                pages,
                prev: pageNo > 1 ? pageUrl(pageNo - 1) : undefined,
                next: pageNo < pages ? pageUrl(pageNo + 1) : undefined,
              }
            : undefined,
        filter,
        tags: [...new Set(dags.flatMap((d) => d.tags))].sort(),
        owners: [...new Set(dags.map((d) => d.owner))].sort(),
        states: ['active', 'paused', 'running', 'success', 'failed', 'queued'],
        importErrors,
        fragment: req.query.fragment === '1',
      }),
    );
  });

  app.post('/dags/:dagId/pause', requires('operate'), async (req, res) => {
    const paused = req.body?.paused === 'true' || req.body?.paused === true;
    await pauseDag(deps.rt, req.params.dagId as string, paused);
    const back = typeof req.body?.back === 'string' && req.body.back.startsWith('/dags') ? req.body.back : '/dags';
    res.redirect(303, back);
  });
}
