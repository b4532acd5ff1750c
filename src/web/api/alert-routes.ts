/** API routes on alerts: the history, open incidents, a DAG's routes, muting, and a test alert. */
import {
  alertHistory,
  alertIncidents,
  alertMutes,
  dagAlertRouting,
  muteDag,
  sendTestAlert,
  unmuteDag,
} from '../../actions/alerts';
import type { AlertTarget } from '../../alerts/message';
import { SluiceError } from '../../errors/errors';
import type { AlertRow, IncidentRow, MuteRow } from '../../state/alert-history';
import { paging, PAGING, param, queryText, type ApiRoute } from './route-kit';
import { int, nstr, ntime, obj, page, ref, str, time } from './schemas';

const STATES = ['pending', 'sending', 'sent', 'failed', 'suppressed'];
const CHANNELS = ['slack', 'webhook', 'email'];

export const alertOut = (a: AlertRow) => ({
  id: a.id,
  kind: a.kind,
  channel: a.channel,
  target: a.target,
  state: a.state,
  reason: a.reason,
  attempts: a.attempts,
  answer: a.answer,
  title: a.title,
  dag_id: a.dag_id,
  run_id: a.run_id,
  task_id: a.task_id,
  file_path: a.file_path,
  dedupe_key: a.dedupe_key,
  created_at: a.created_at,
  sent_at: a.sent_at,
  next_attempt_at: a.state === 'pending' ? a.next_attempt_at : null,
});

const incidentOut = (i: IncidentRow) => ({
  id: i.id,
  kind: i.kind,
  dag_id: i.dag_id,
  file_path: i.file_path,
  opened_at: i.opened_at,
  last_event_at: i.last_event_at,
  events: i.events,
  sent: i.sent,
  suppressed: i.suppressed,
});

const muteOut = (m: MuteRow) => ({ dag_id: m.dag_id, until: m.until, muted_by: m.muted_by, reason: m.reason });
const targetSchema = obj({ channel: { enum: CHANNELS }, to: str });

export const ALERT_SCHEMAS = {
  Alert: obj({
    id: int,
    kind: { enum: ['failure', 'retry', 'warning', 'deadline', 'recovered', 'import_error', 'import_fixed', 'test'] },
    channel: { enum: CHANNELS },
    target: { ...str, description: 'a Slack channel, a webhook by name (never its URL), or email addresses' },
    state: { enum: STATES },
    reason: { ...nstr, description: 'why it was suppressed (muted, a repeat within the window)' },
    attempts: int,
    answer: { ...nstr, description: "the provider's last answer, credentials masked" },
    title: nstr,
    dag_id: nstr,
    run_id: nstr,
    task_id: nstr,
    file_path: nstr,
    dedupe_key: str,
    created_at: time,
    sent_at: ntime,
    next_attempt_at: { ...ntime, description: 'when a pending alert is tried again' },
  }),
  AlertIncident: obj({
    id: int,
    kind: { enum: ['failure', 'import_error'] },
    dag_id: nstr,
    file_path: nstr,
    opened_at: time,
    last_event_at: time,
    events: int,
    sent: int,
    suppressed: int,
  }),
  AlertMute: obj({ dag_id: str, until: time, muted_by: nstr, reason: nstr }),
  AlertRouting: obj({
    dag_id: str,
    source: { enum: ['dag', 'owner', 'defaults', 'none'] },
    window: str,
    events: { type: 'array', items: obj({ event: str, targets: { type: 'array', items: targetSchema } }) },
    tasks: {
      type: 'array',
      items: obj({ task_id: str, on: { type: 'array', items: str }, targets: { type: 'array', items: targetSchema } }),
    },
    deadlines: { type: 'array', items: obj({ name: str, reference: str, after: str, task: nstr }) },
    muted: { oneOf: [{ type: 'null' }, ref('AlertMute')] },
  }),
  TestDelivery: obj({ id: int, channel: { enum: CHANNELS }, target: str, ok: { type: 'boolean' }, answer: str }),
} as const;

export const ALERT_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/alerts',
    summary: 'alerts, newest first, with their delivery state',
    permission: 'read',
    query: [
      ...PAGING,
      { name: 'dag_id', description: 'of this DAG only', schema: str },
      { name: 'state', description: 'only alerts in this state', schema: { enum: STATES } },
    ],
    response: page('Alert'),
    handle: async (req, deps) => {
      const pg = paging(req);
      const state = queryText(req, 'state');
      if (state && !STATES.includes(state))
        throw new SluiceError('USAGE', `state must be one of ${STATES.join(', ')}, got "${state}"`);
      const r = await alertHistory(deps.rt, { dagId: queryText(req, 'dag_id'), state, ...pg });
      return { items: r.alerts.map(alertOut), total: r.total, ...pg };
    },
  },
  {
    method: 'get',
    path: '/alerts/incidents',
    summary: 'open incidents: DAGs failing since their last recovery, DAG files that do not import',
    permission: 'read',
    query: [{ name: 'dag_id', description: 'of this DAG only', schema: str }],
    response: { type: 'array', items: ref('AlertIncident') },
    handle: async (req, deps) => (await alertIncidents(deps.rt, queryText(req, 'dag_id'))).map(incidentOut),
  },
  {
    method: 'get',
    path: '/alerts/mutes',
    summary: 'DAGs whose alerts are muted now',
    permission: 'read',
    response: { type: 'array', items: ref('AlertMute') },
    handle: async (_req, deps) => (await alertMutes(deps.rt)).map(muteOut),
  },
  {
    method: 'post',
    path: '/alerts/test',
    summary: 'send a test alert now through the configured channels; says what each provider answered',
    permission: 'admin',
    body: obj({ targets: { type: 'array', items: targetSchema, minItems: 1 } }),
    response: { type: 'array', items: ref('TestDelivery') },
    handle: async (req, deps, viewer) => {
      const targets = ((req.body ?? {}) as { targets?: unknown }).targets;
      if (
        !Array.isArray(targets) ||
        !targets.length ||
        !targets.every(
          (t) => t && CHANNELS.includes((t as AlertTarget).channel) && typeof (t as AlertTarget).to === 'string',
        )
      )
        throw new SluiceError(
          'USAGE',
          'targets must be a list of { "channel": "slack" | "webhook" | "email", "to": "…" }',
        );
      return sendTestAlert(deps.rt, targets as AlertTarget[], viewer?.user.username);
    },
  },
  {
    method: 'get',
    path: '/dags/{dag_id}/alerts',
    summary: "where a DAG's alerts go, per event and per task with routes of its own, its deadlines and mute",
    permission: 'read',
    response: ref('AlertRouting'),
    handle: async (req, deps) => {
      const r = await dagAlertRouting(deps.rt, param(req, 'dag_id'));
      return {
        dag_id: r.dagId,
        source: r.source,
        window: r.window,
        events: r.events.map((e) => ({ event: e.event, targets: e.targets.map((t) => ({ ...t })) })),
        tasks: r.tasks.map((t) => ({ task_id: t.taskId, on: [...t.on], targets: t.targets.map((x) => ({ ...x })) })),
        deadlines: r.deadlines.map((d) => ({ ...d })),
        muted: r.muted ? muteOut(r.muted) : null,
      };
    },
  },
  {
    method: 'post',
    path: '/dags/{dag_id}/alerts/mute',
    summary: "mute a DAG's alerts for a while (they are still recorded, as suppressed)",
    permission: 'operate',
    body: obj({ for: { ...str, description: 'how long: 30m, 2h, 1d' }, reason: str }, ['for']),
    response: ref('AlertMute'),
    handle: async (req, deps, viewer) => {
      const b = (req.body ?? {}) as { for?: unknown; reason?: unknown };
      if (typeof b.for !== 'string') throw new SluiceError('USAGE', 'for is required: a duration such as "2h"');
      const m = await muteDag(deps.rt, param(req, 'dag_id'), {
        for: b.for,
        by: viewer?.user.username,
        reason: typeof b.reason === 'string' ? b.reason : undefined,
      });
      return muteOut(m);
    },
  },
  {
    method: 'delete',
    path: '/dags/{dag_id}/alerts/mute',
    summary: "end a DAG's mute",
    permission: 'operate',
    response: obj({ dag_id: str, was_muted: { type: 'boolean' } }),
    handle: async (req, deps) => {
      const dagId = param(req, 'dag_id');
      return { dag_id: dagId, was_muted: await unmuteDag(deps.rt, dagId) };
    },
  },
];
