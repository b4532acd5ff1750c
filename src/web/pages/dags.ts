import type { Express, Request } from 'express';
import { listDags } from '../../actions/list-dags';
import { pauseDag } from '../../actions/pause-dag';
import { recentRunsOfDags, type RecentRun } from '../../state/web-views';
import { can } from '../../auth/roles';
import { requires, viewerOf } from '../auth';
import { links } from '../links';
import type { WebDeps } from '../app';

const RECENT_RUNS = 10;

function text(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v.trim() : '';
}

export function dagsPages(app: Express, deps: WebDeps): void {
  app.get('/dags', requires('read'), async (req, res) => {
    const [{ dags, importErrors }, recent] = await Promise.all([
      listDags(deps.rt.db),
      recentRunsOfDags(deps.rt.db, RECENT_RUNS),
    ]);
    const runsOf = new Map<string, RecentRun[]>();
    for (const r of recent) runsOf.set(r.dag_id, [...(runsOf.get(r.dag_id) ?? []), r]);
    const filter = { q: text(req, 'q'), tag: text(req, 'tag'), owner: text(req, 'owner'), state: text(req, 'state') };
    const q = filter.q.toLowerCase();
    const rows = dags
      .map((d) => {
        const runs = runsOf.get(d.dagId) ?? [];
        return {
          ...d,
          url: links.dag(d.dagId),
          pauseUrl: links.pause(d.dagId),
          lastState: runs[0]?.state,
          // Oldest first, so the newest square is on the right, as in Airflow.
          runs: [...runs].reverse().map((r) => ({ ...r, url: links.run(d.dagId, r.run_id) })),
        };
      })
      .filter(
        (d) =>
          (!q || d.dagId.toLowerCase().includes(q) || (d.description ?? '').toLowerCase().includes(q)) &&
          (!filter.tag || d.tags.includes(filter.tag)) &&
          (!filter.owner || d.owner === filter.owner) &&
          (!filter.state ||
            (filter.state === 'paused'
              ? d.paused
              : filter.state === 'active'
                ? !d.paused
                : d.lastState === filter.state)),
      );
    const viewer = viewerOf(res)!;
    res.type('html').send(
      deps.render('dags', {
        title: 'DAGs',
        viewer,
        canOperate: can(viewer.user.role, 'operate'),
        dags: rows,
        total: dags.length,
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
