import type { Command } from 'commander';
import os from 'node:os';
import { alertHistory, alertIncidents, dagAlertRouting, muteDag, sendTestAlert, unmuteDag } from '../../actions/alerts';
import type { AlertTarget } from '../../alerts/message';
import { SluiceError } from '../../errors/errors';
import { config, withRuntime } from '../context';
import { json, rowLimit, table } from '../output';
import { syncAndFind } from './dags';

const iso = (d: Date | null | undefined) => d?.toISOString().replace(/\.\d{3}Z$/, 'Z') ?? '';
const many = (v: string, prev: string[] = []) => [...prev, v];
const STATES = ['pending', 'sending', 'sent', 'failed', 'suppressed'];
const target = (t: AlertTarget) => `${t.channel} ${t.to}`;

/** `sluice alerts …`: test the channels, see what was sent, mute a DAG for a while, see a DAG's routes. */
export function alertsCommands(program: Command): void {
  const group = program.command('alerts').description('Slack and email alerts: test, history, incidents, mute, routes');

  group
    .command('test')
    .description('send a test alert now through the configured channels and say what each answered')
    .option('--slack <channel>', 'a Slack channel (repeatable)', many)
    .option('--webhook <name>', 'a Slack incoming webhook by name (repeatable)', many)
    .option('--email <address>', 'an email address (repeatable)', many)
    .action(async (o: { slack?: string[]; webhook?: string[]; email?: string[] }) => {
      const targets: AlertTarget[] = [
        ...(o.slack ?? []).map((to) => ({ channel: 'slack' as const, to })),
        ...(o.webhook ?? []).map((to) => ({ channel: 'webhook' as const, to })),
        ...(o.email ?? []).map((to) => ({ channel: 'email' as const, to })),
      ];
      const out = await withRuntime(config(), (rt) =>
        sendTestAlert(rt, targets, `${os.userInfo().username} (sluice alerts test)`),
      );
      for (const d of out) console.log(`${d.ok ? 'sent' : 'FAILED'}  ${d.channel} ${d.target}: ${d.answer}`);
      if (out.some((d) => !d.ok)) process.exitCode = 1;
    });

  group
    .command('list')
    .description("recent alerts, newest first, with their delivery state and the provider's answer")
    .option('--dag <dag>', 'of this DAG only')
    .option('--state <state>', STATES.join(', '))
    .option('--limit <n>', 'at most this many', rowLimit, 50)
    .option('--json', 'machine-readable output')
    .action(async (o: { dag?: string; state?: string; limit: number; json?: boolean }) => {
      if (o.state && !STATES.includes(o.state))
        throw new SluiceError('USAGE', `--state must be one of ${STATES.join(', ')}, got "${o.state}"`);
      const r = await withRuntime(config(), async (rt) => {
        if (o.dag) await syncAndFind(rt, o.dag);
        return alertHistory(rt, { dagId: o.dag, state: o.state, limit: o.limit, offset: 0 });
      });
      if (o.json) return void console.log(json(r.alerts));
      if (!r.alerts.length) return void console.log('no alerts yet');
      console.log(
        table(
          ['id', 'when', 'kind', 'to', 'state', 'dag / file', 'run', 'title', 'answer'],
          r.alerts.map((a) => [
            a.id,
            iso(a.sent_at ?? a.created_at),
            a.kind,
            `${a.channel} ${a.target}`,
            a.state === 'pending' && a.attempts
              ? `pending (try ${a.attempts + 1} at ${iso(a.next_attempt_at)})`
              : a.state,
            a.dag_id ?? a.file_path,
            a.run_id,
            a.title,
            a.reason ?? a.answer,
          ]),
        ),
      );
      if (r.total > r.alerts.length) console.log(`(${r.alerts.length} of ${r.total}; --limit for more)`);
    });

  group
    .command('incidents')
    .description('open incidents: DAGs failing since their last recovery, DAG files that do not import')
    .option('--dag <dag>', 'of this DAG only')
    .option('--json', 'machine-readable output')
    .action(async (o: { dag?: string; json?: boolean }) => {
      const r = await withRuntime(config(), (rt) => alertIncidents(rt, o.dag));
      if (o.json) return void console.log(json(r));
      if (!r.length) return void console.log('no open incidents');
      console.log(
        table(
          ['id', 'kind', 'dag / file', 'since', 'last event', 'events', 'sent', 'suppressed'],
          r.map((i) => [
            i.id,
            i.kind,
            i.dag_id ?? i.file_path,
            iso(i.opened_at),
            iso(i.last_event_at),
            i.events,
            i.sent,
            i.suppressed,
          ]),
        ),
      );
    });

  group
    .command('mute <dag>')
    .description("mute a DAG's alerts for a while (they are still recorded, as suppressed)")
    .requiredOption('--for <duration>', 'how long: 30m, 2h, 1d')
    .option('--reason <text>', 'why, shown in the history')
    .action(async (dagId: string, o: { for: string; reason?: string }) => {
      const m = await withRuntime(config(), async (rt) => {
        await syncAndFind(rt, dagId);
        return muteDag(rt, dagId, { for: o.for, by: os.userInfo().username, reason: o.reason });
      });
      console.log(`muted ${dagId} until ${iso(m.until)}`);
    });

  group
    .command('unmute <dag>')
    .description("end a DAG's mute")
    .action(async (dagId: string) => {
      const was = await withRuntime(config(), async (rt) => {
        await syncAndFind(rt, dagId);
        return unmuteDag(rt, dagId);
      });
      console.log(was ? `${dagId} is no longer muted` : `${dagId} was not muted`);
    });

  group
    .command('routes <dag>')
    .description("where a DAG's alerts go, per event, and its deadlines")
    .option('--json', 'machine-readable output')
    .action(async (dagId: string, o: { json?: boolean }) => {
      const r = await withRuntime(config(), async (rt) => {
        await syncAndFind(rt, dagId);
        return dagAlertRouting(rt, dagId);
      });
      if (o.json) return void console.log(json(r));
      console.log(
        `${dagId}: routes from ${r.source === 'none' ? 'nowhere (no alerts)' : r.source}, window ${r.window}${r.muted ? `, muted until ${iso(r.muted.until)}` : ''}`,
      );
      console.log(
        table(
          ['event', 'goes to'],
          r.events.map((e) => [e.event, e.targets.map(target).join(', ') || '(nowhere)']),
        ),
      );
      if (r.tasks.length)
        console.log(
          table(
            ['task', 'events', 'goes to'],
            r.tasks.map((t) => [t.taskId, t.on.join(', '), t.targets.map(target).join(', ')]),
          ),
        );
      if (r.deadlines.length)
        console.log(
          table(
            ['deadline', 'reference', 'after', 'task'],
            r.deadlines.map((d) => [d.name, d.reference, d.after, d.task ?? '(the run)']),
          ),
        );
    });
}
