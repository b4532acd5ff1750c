import type { Express } from 'express';
import { taskInstanceDetail, taskInstanceLog } from '../../actions/task-instance';
import { SluiceError } from '../../errors/errors';
import { requires, viewerOf } from '../auth';
import { links } from '../links';
import type { WebDeps } from '../app';

export function taskInstancePages(app: Express, deps: WebDeps): void {
  app.get('/dags/:dagId/runs/:runId/tasks/:taskId', requires('read'), async (req, res) => {
    const { dagId, runId, taskId } = req.params as Record<string, string>;
    const d = await taskInstanceDetail(deps.rt, dagId, runId, taskId);
    const latest = d.tries.at(-1)?.try_number;
    const wanted = req.query.try === undefined ? latest : Number(req.query.try);
    if (wanted !== undefined && !Number.isInteger(wanted))
      throw new SluiceError('USAGE', `try must be a whole number, got "${String(req.query.try)}"`);
    const log = wanted === undefined ? undefined : await taskInstanceLog(deps.rt, d, wanted);
    res.type('html').send(
      deps.render('task-instance', {
        title: `${taskId} · ${runId}`,
        viewer: viewerOf(res),
        dagId,
        dagUrl: links.dag(dagId),
        runUrl: links.run(dagId, runId),
        timezone: d.timezone,
        d,
        running: d.instance.state === 'running' || d.instance.state === 'queued',
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
}
