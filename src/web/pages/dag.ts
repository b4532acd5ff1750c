import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Express, Request } from 'express';
import { DateTime } from 'luxon';
import { findDag } from '../../actions/find-dag';
import { showRun } from '../../actions/runs';
import { triggerDag } from '../../actions/trigger-dag';
import { can } from '../../auth/roles';
import { SluiceError } from '../../errors/errors';
import { gridOfDag, type GridRun } from '../../state/web-views';
import { listRuns, runByKey, taskInstancesOfRun } from '../../state/run-listing';
import Handlebars from 'handlebars';
import { findRun } from '../../actions/find-run';
import { dagGraphSvg } from '../graph-svg';
import { dagAlertsView } from './alerts';
import { requires, viewerOf } from '../auth';
import { links } from '../../util/links';
import { confFromForm, paramFields } from '../conf-form';
import type { WebDeps } from '../app';

const esc = Handlebars.Utils.escapeExpression;
const DEFAULT_RUNS = 25;
const MAX_RUNS = 100;
/** A short mark per state, so a cell says its state without its colour. */
const MARKS: Readonly<Record<string, string>> = {
  success: '✓',
  failed: '✗',
  running: '▶',
  queued: '…',
  scheduled: '·',
  up_for_retry: '↻',
  upstream_failed: '⊘',
  skipped: '–',
  none: '',
};

/** Where a cell's markup starts, per state and try: a grid repeats a handful of them thousands of times. */
function cellOpening(state: string, tryNumber: number): string {
  const title = `${state.replace(/_/g, ' ')}${tryNumber > 1 ? ` · try ${tryNumber}` : ''}`;
  return `<td><a class="cell state-${esc(state)}" title="${esc(title)}" href="`;
}

/**
 * The grid's rows as markup built here: 5,000 cells through the template cost more than the
 * query. What repeats (a cell's opening per state, the link's prefix per run, the task's id) is
 * escaped once.
 */
function gridRows(dagId: string, tasks: readonly { id: string; operator: string }[], runs: readonly GridRun[]): string {
  const openings = new Map<string, string>();
  const prefixes = runs.map((r) => esc(links.cell(dagId, r.id, '')));
  return tasks
    .map((t) => {
      const id = esc(encodeURIComponent(t.id));
      let html = `<tr><th><span class="task-id">${esc(t.id)}</span> <small class="muted">${esc(t.operator)}</small></th>`;
      runs.forEach((r, i) => {
        const c = Object.hasOwn(r.cells, t.id) ? r.cells[t.id] : undefined;
        if (!c) {
          html += '<td><span class="cell state-none"></span></td>';
          return;
        }
        const key = `${c[0]}\u0000${c[1]}`;
        let open = openings.get(key);
        if (open === undefined) openings.set(key, (open = cellOpening(c[0], c[1])));
        html += `${open}${prefixes[i]}${id}">${MARKS[c[0]] ?? '?'}</a></td>`;
      });
      return `${html}</tr>`;
    })
    .join('\n');
}

function runCount(req: Request): number {
  const n = Number(req.query.runs ?? DEFAULT_RUNS);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RUNS)
    throw new SluiceError(
      'USAGE',
      `runs must be a whole number from 1 to ${MAX_RUNS}, got "${String(req.query.runs)}"`,
    );
  return n;
}

export function dagPages(app: Express, deps: WebDeps): void {
  const { rt } = deps;

  app.get('/dags/:dagId', requires('read'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const dag = await findDag(rt.db, dagId);
    const s = dag.structure;
    const newestFirst = await gridOfDag(rt.db, dagId, runCount(req));
    const runs = [...newestFirst].reverse(); // oldest on the left
    const viewer = viewerOf(res)!;
    res.type('html').send(
      deps.render('dag', {
        title: dagId,
        viewer,
        canOperate: can(viewer.user.role, 'operate'),
        dag: { ...s, file: dag.file_path, paused: dag.is_paused },
        timezone: s.timezone,
        params: Object.keys(s.params).length ? s.params : undefined,
        links: {
          trigger: links.trigger(dagId),
          pause: links.pause(dagId),
          code: links.dagCode(dagId),
          self: links.dag(dagId),
        },
        runs: runs.map((r) => ({ ...r, url: links.run(dagId, r.run_id) })),
        newestFirst: newestFirst.map((r) => ({ ...r, url: links.run(dagId, r.run_id) })),
        gridRows: gridRows(dagId, s.tasks, runs),
        // Outside the live part (a refresh would drop what is typed in the mute form): not needed for a fragment.
        alerts: req.query.fragment === '1' ? undefined : await dagAlertsView(rt, dagId, viewer),
        fragment: req.query.fragment === '1',
      }),
    );
  });

  // A grid cell links here (short: the run's key, not its name); the task instance has one address.
  app.get('/dags/:dagId/ti/:runPk/:taskId', requires('read'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const run = await runByKey(rt.db, dagId, Number(req.params.runPk));
    if (!run) throw new SluiceError('RUN_NOT_FOUND', `DAG "${dagId}" has no run ${String(req.params.runPk)}`);
    res.redirect(links.taskInstance(dagId, run.run_id, req.params.taskId as string));
  });

  app.get('/dags/:dagId/graph', requires('read'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const dag = await findDag(rt.db, dagId);
    const recent = await listRuns(rt.db, { dagId, limit: DEFAULT_RUNS });
    const wanted = typeof req.query.run === 'string' ? req.query.run : undefined;
    const run = wanted === undefined ? recent[0] : await findRun(rt.db, dagId, wanted);
    const states = new Map(
      run ? (await taskInstancesOfRun(rt.db, run.id)).map((t) => [t.task_id, t.state] as const) : [],
    );
    res.type('html').send(
      deps.render('dag-graph', {
        title: `${dagId} · graph`,
        viewer: viewerOf(res),
        dagId,
        dagUrl: links.dag(dagId),
        run: run && { runId: run.run_id, state: run.state },
        runs: recent.map((r) => ({ runId: r.run_id, state: r.state, selected: r.run_id === run?.run_id })),
        svg: dagGraphSvg(
          dag.structure,
          (t) => states.get(t),
          (t) => (run && states.has(t) ? links.taskInstance(dagId, run.run_id, t) : undefined),
        ),
        fragment: req.query.fragment === '1',
      }),
    );
  });

  app.get('/dags/:dagId/code', requires('read'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const dag = await findDag(rt.db, dagId);
    const root = path.resolve(rt.config.dagsFolder);
    const file = path.resolve(root, dag.file_path);
    // The path comes from the platform schema, not the request; still, only files under the DAG folder are shown.
    if (file !== root && !file.startsWith(root + path.sep))
      throw new SluiceError('FORBIDDEN', `${dag.file_path} is outside the DAG folder`);
    const source = await readFile(file, 'utf8').catch(() => undefined);
    res.type('html').send(
      deps.render('dag-code', {
        title: `${dagId} · code`,
        viewer: viewerOf(res),
        dagId,
        dagUrl: links.dag(dagId),
        file: dag.file_path,
        line: dag.structure.line,
        source,
      }),
    );
  });

  app.get('/dags/:dagId/runs/:runId', requires('read'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const run = await showRun(rt, dagId, req.params.runId as string);
    const dag = await findDag(rt.db, dagId);
    res.type('html').send(
      deps.render('run', {
        title: `${dagId} · ${run.runId}`,
        viewer: viewerOf(res),
        dagId,
        dagUrl: links.dag(dagId),
        timezone: dag.structure.timezone,
        run,
        tasks: run.tasks.map((t) => ({ ...t, url: links.taskInstance(dagId, run.runId, t.taskId) })),
        fragment: req.query.fragment === '1',
      }),
    );
  });

  app.get('/dags/:dagId/trigger', requires('operate'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const dag = await findDag(rt.db, dagId);
    const viewer = viewerOf(res)!;
    res.type('html').send(
      deps.render('trigger', {
        title: `Trigger ${dagId}`,
        viewer,
        csrf: viewer.csrfToken,
        dagId,
        dagUrl: links.dag(dagId),
        action: links.trigger(dagId),
        timezone: dag.structure.timezone,
        fields: paramFields(dag.structure.params),
      }),
    );
  });

  app.post('/dags/:dagId/trigger', requires('operate'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const dag = await findDag(rt.db, dagId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const conf = confFromForm(body, dag.structure.params);
    const raw = typeof body.logical_date === 'string' ? body.logical_date.trim() : '';
    let date: Date | undefined;
    if (raw) {
      const d = DateTime.fromISO(raw, { zone: dag.structure.timezone });
      if (!d.isValid) throw new SluiceError('USAGE', `logical date "${raw}" is not a date and time`);
      date = d.toJSDate();
    }
    await triggerDag(rt, dagId, { date, conf });
    res.redirect(303, links.dag(dagId));
  });
}
