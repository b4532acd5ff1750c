import type { Command } from 'commander';
import { triggerDag } from '../../actions/trigger-dag';
import { migrate } from '../../db/migrate';
import { openDatabase } from '../../db/database';
import { alertDispatcher, dagFileProcessor, executor, openRuntime, scheduler } from '../../actions/runtime';
import { config } from '../context';
import { runReport } from '../../actions/run-report';
import { runOfLatestInterval } from '../../actions/runs';
import { assertDagsFolder } from '../../dagfiles/dags-folder';
import { ensureStandaloneAdmin } from '../../actions/standalone-admin';
import { alertChannels } from '../../actions/alerts';

export function serviceCommands(program: Command): void {
  program
    .command('scheduler')
    .description('run the scheduler (with a local executor unless --no-executor) until stopped')
    .option('--no-executor', 'schedule only; separate `sluice worker` processes run the tasks')
    .action(async (o: { executor: boolean }) => serve({ executor: o.executor, scheduler: true }));

  program
    .command('worker')
    .description('run a local executor only: claim queued tasks and run them until stopped')
    .action(async () => serve({ executor: true, scheduler: false }));

  program
    .command('standalone')
    .description('scheduler + executor + web UI + (embedded) database in one process, like `airflow standalone`')
    .option('--trigger <dag>', 'trigger this DAG once the DAG folder is parsed')
    .option('--no-web', 'without the web UI and API')
    .action(async (o: { trigger?: string; web: boolean }) =>
      serve({ executor: true, scheduler: true, trigger: o.trigger, web: o.web, admin: true }),
    );

  program
    .command('webserver')
    .description('serve the web UI and REST API (SLUICE_WEB_HOST:SLUICE_WEB_PORT) until stopped')
    .action(async () => serve({ executor: false, scheduler: false, web: true }));

  const db = program.command('db').description('platform database');
  db.command('migrate')
    .description('create or upgrade the platform schema')
    .action(async () => {
      const cfg = config();
      const database = await openDatabase(cfg, { migrate: false });
      try {
        const applied = await migrate(database.url, { lock: database.kind !== 'embedded' });
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'platform schema is up to date');
      } finally {
        await database.close();
      }
    });
}

async function serve(o: {
  executor: boolean;
  scheduler: boolean;
  trigger?: string;
  web?: boolean;
  admin?: boolean;
}): Promise<void> {
  const cfg = config();
  // Before anything starts: a scheduler without its DAG folder would run nothing and say nothing.
  if (o.scheduler) await assertDagsFolder(cfg.dagsFolder);
  const rt = await openRuntime(cfg, { listen: true, announce: true });
  const files = o.scheduler ? dagFileProcessor(rt) : undefined;
  const sched = o.scheduler ? scheduler(rt, files, true) : undefined;
  const exec = o.executor ? executor(rt) : undefined;
  // Alerts go out from scheduler processes (several share the outbox safely).
  const alerts = o.scheduler ? startAlerts(rt) : undefined;
  await exec?.start();
  if (sched) await sched.tick();
  sched?.start();
  alerts?.dispatcher.start();
  // Loaded only here: a scheduler or worker need not load express and the pages.
  const web = o.web
    ? await (require('../../web/server') as typeof import('../../web/server')).startWebServer(rt)
    : undefined;
  if (web) {
    rt.log.info('web UI and API at %s (API: %s/api/v1, OpenAPI: %s/api/v1/openapi.json)', web.url, web.url, web.url);
    const admin = o.admin ? await ensureStandaloneAdmin(rt.db, rt.config.home) : undefined;
    if (admin?.created) rt.log.info('login: %s / %s (kept in %s)', admin.username, admin.password, admin.file);
    else if (admin) rt.log.info('login: %s (password in %s)', admin.username, admin.file);
  }
  rt.log.info(
    'running%s%s%s; Ctrl-C to stop',
    sched ? ' scheduler' : '',
    exec ? ` executor with ${rt.config.executor.workers} workers` : '',
    web ? ' web server' : '',
  );
  if (o.trigger) {
    // The first tick may have created the scheduled run of that interval: show that one, not a second.
    const active = await runOfLatestInterval(rt, o.trigger);
    const run = active ?? (await triggerDag(rt, o.trigger));
    if (active)
      rt.log.info('%s already has run %s of that interval: watching it (no second run)', o.trigger, run.runId);
    else rt.log.info('triggered %s: run %s', o.trigger, run.runId);
    void watchRun(rt, run.id, o.trigger);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  rt.log.info('stopping: waiting for running tasks');
  await web?.close();
  await sched?.stop();
  await alerts?.dispatcher.stop();
  await Promise.all(Object.values(alerts?.channels ?? {}).map((c) => c?.close()));
  await exec?.stop();
  await files?.close();
  await rt.close();
  rt.log.info('stopped');
}

/**
 * The alert dispatcher with the configured channels. A broken template override is said (with its
 * file and line) and the defaults are used: a typo in a template must not stop the scheduler.
 */
function startAlerts(rt: Awaited<ReturnType<typeof openRuntime>>) {
  let set: ReturnType<typeof alertChannels>;
  try {
    set = alertChannels(rt.config.alerts);
  } catch (e) {
    rt.log.error('alerts: %s; using the default templates', (e as Error).message);
    set = alertChannels(rt.config.alerts, { overrides: false });
  }
  const on = Object.keys(set.channels);
  rt.log.info(on.length ? `alerts: ${on.join(', ')}` : 'alerts: no channel configured (see docs/alerts.md)');
  return { dispatcher: alertDispatcher(rt, set.channels, set.mask), channels: set.channels };
}

/** Logs the outcome of the run `--trigger` started. */
async function watchRun(rt: Awaited<ReturnType<typeof openRuntime>>, runPk: number, dagId: string): Promise<void> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const r = await runReport(rt.db, runPk).catch(() => undefined);
    if (!r || r.state === 'success' || r.state === 'failed') {
      if (r)
        rt.log.info(
          '%s run %s %s: %s',
          dagId,
          r.runId,
          r.state,
          r.tasks.map((t) => `${t.task_id}=${t.state}`).join(' '),
        );
      return;
    }
  }
}
