import type { Express, Request } from 'express';
import { taskInstanceDetail, taskInstanceLog } from '../../actions/task-instance';
import { clearTasks, markTask, planClear, type ClearRequest } from '../../actions/task-interventions';
import { can } from '../../auth/roles';
import { SluiceError } from '../../errors/errors';
import { requires, viewerOf } from '../auth';
import { links } from '../../util/links';
import { dataLinks } from '../data-links';
import type { WebDeps } from '../app';

const flag = (v: unknown, fallback: boolean) => (v === undefined ? fallback : v === '1' || v === 'on' || v === 'true');

/** The clear options of a form or a query: downstream on, upstream and only-failed off, as Airflow's dialog. */
function clearRequest(req: Request, source: Record<string, unknown>): ClearRequest {
  const { dagId, runId, taskId } = req.params as Record<string, string>;
  // A submitted options form sends only the boxes that are ticked.
  const ticked = source.set === '1';
  return {
    dagId,
    runId,
    taskIds: [taskId],
    downstream: flag(source.downstream, !ticked),
    upstream: flag(source.upstream, false),
    onlyFailed: flag(source.only_failed, false),
  };
}

export function taskInstancePages(app: Express, deps: WebDeps): void {
  const TI = '/dags/:dagId/runs/:runId/tasks/:taskId';

  app.get(TI, requires('read'), async (req, res) => {
    const { dagId, runId, taskId } = req.params as Record<string, string>;
    const d = await taskInstanceDetail(deps.rt, dagId, runId, taskId);
    const latest = d.tries.at(-1)?.try_number;
    const wanted = req.query.try === undefined ? latest : Number(req.query.try);
    if (wanted !== undefined && !Number.isInteger(wanted))
      throw new SluiceError('USAGE', `try must be a whole number, got "${String(req.query.try)}"`);
    const log = wanted === undefined ? undefined : await taskInstanceLog(deps.rt, d, wanted);
    // What the shown try recorded: a model's compiled SQL gets a block of its own.
    const { compiled_sql: compiledSql, ...otherDetails } = d.tries.find((t) => t.try_number === wanted)?.details ?? {};
    const viewer = viewerOf(res)!;
    const busy = d.instance.state === 'running' || d.instance.state === 'queued';
    res.type('html').send(
      deps.render('task-instance', {
        title: `${taskId} · ${runId}`,
        viewer,
        canOperate: can(viewer.user.role, 'operate') && !busy && d.instance.state !== 'none',
        clearUrl: links.clear(dagId, runId, taskId),
        markUrl: links.mark(dagId, runId, taskId),
        dagId,
        dagUrl: links.dag(dagId),
        runUrl: links.run(dagId, runId),
        timezone: d.timezone,
        d: d.failure
          ? {
              ...d,
              failure: {
                ...d.failure,
                // A checkpoint's validations are shown whole below; the failure keeps to the error.
                expectations: d.validations.length
                  ? []
                  : d.failure.expectations.map((x) => ({
                      ...x,
                      docsUrl: links.dataDocs(deps.rt.config.dataDocsDir, x.dataDocs),
                    })),
              },
            }
          : d,
        validations: d.validations.map((v) => ({
          ...v,
          outcome: v.success ? (v.warnings ? 'warned' : 'success') : 'failed',
          docsUrl: links.dataDocs(deps.rt.config.dataDocsDir, v.dataDocs),
          results: v.results.map((r) => ({
            ...r,
            outcome: r.success ? 'success' : r.severity === 'warn' ? 'warned' : 'failed',
            percent: r.unexpectedPercent === undefined ? undefined : `${+r.unexpectedPercent.toFixed(2)} %`,
          })),
        })),
        ingestion: d.ingestion.map((x) => ({
          ...x,
          object: x.bucket && x.object_key ? `${x.bucket}/${x.object_key}` : undefined,
          // The object's folder (its partition) in the lake browser, the table's page.
          objectUrl:
            x.bucket && x.object_key
              ? dataLinks.lake(x.bucket, x.object_key.split('/').slice(0, -1).join('/'))
              : undefined,
          targetUrl: x.target ? dataLinks.table(x.target) : undefined,
        })),
        tables: {
          reads: (d.task?.consumes ?? []).map((t) => ({ name: t, url: dataLinks.table(t) })),
          writes: (d.task?.produces ?? []).map((t) => ({ name: t, url: dataLinks.table(t) })),
        },
        compiledSql: typeof compiledSql === 'string' ? compiledSql : undefined,
        otherDetails: Object.keys(otherDetails).length ? JSON.stringify(otherDetails, null, 2) : undefined,
        history: d.history,
        running: busy,
        tries: d.tries.map((t) => ({
          ...t,
          url: links.taskInstance(dagId, runId, taskId, t.try_number),
          current: t.try_number === wanted,
        })),
        shownTry: wanted,
        logText: log,
        returnValue: d.returnValue === undefined ? undefined : JSON.stringify(d.returnValue, null, 2),
        config: d.task?.config ? JSON.stringify(d.task.config, null, 2) : undefined,
        fragment: req.query.fragment === '1',
      }),
    );
  });

  // The dry run: what clearing with these options resets, to confirm before anything changes.
  app.get(`${TI}/clear`, requires('operate'), async (req, res) => {
    const r = clearRequest(req, req.query);
    const plan = await planClear(deps.rt, r);
    const viewer = viewerOf(res)!;
    res.type('html').send(
      deps.render('clear', {
        title: `Clear ${r.taskIds[0]}`,
        viewer,
        csrf: viewer.csrfToken,
        plan,
        options: r,
        action: links.clear(r.dagId, r.runId, r.taskIds[0]),
        back: links.taskInstance(r.dagId, r.runId, r.taskIds[0]),
        dagUrl: links.dag(r.dagId),
      }),
    );
  });

  app.post(`${TI}/clear`, requires('operate'), async (req, res) => {
    const r = clearRequest(req, req.body ?? {});
    await clearTasks(deps.rt, { ...r, by: viewerOf(res)!.user.username });
    res.redirect(303, links.dag(r.dagId));
  });

  app.post(`${TI}/mark`, requires('operate'), async (req, res) => {
    const { dagId, runId, taskId } = req.params as Record<string, string>;
    const state = req.body?.state;
    if (state !== 'success' && state !== 'failed')
      throw new SluiceError('USAGE', `state must be success or failed, got "${String(state)}"`);
    await markTask(deps.rt, { dagId, runId, taskId, state, by: viewerOf(res)!.user.username });
    res.redirect(303, links.taskInstance(dagId, runId, taskId));
  });
}
