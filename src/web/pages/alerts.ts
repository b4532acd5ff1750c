/**
 * The alerts page (open incidents, muted DAGs, the history of what was sent where) and a DAG's
 * alert routing on its page, with Mute and Unmute for an Op. Each calls the actions the CLI
 * (`sluice alerts …`) and the API call; the page is not live (a send changes no run), so it shows
 * what was true when it was loaded.
 */
import type { Express, Request } from 'express';
import { alertHistory, alertIncidents, alertMutes, dagAlertRouting, muteDag, unmuteDag } from '../../actions/alerts';
import type { AlertTarget } from '../../alerts/message';
import type { AlertSettings } from '../../config/config';
import { can } from '../../auth/roles';
import { SluiceError } from '../../errors/errors';
import type { Runtime } from '../../actions/runtime';
import type { AlertRow } from '../../state/alert-history';
import { activeDagIds } from '../../state/dags';
import { links } from '../../util/links';
import { requires, viewerOf, type Viewer } from '../auth';
import type { WebDeps } from '../app';

const e = encodeURIComponent;
const ALERTS = links.alerts();
const pages = {
  history: (q: { dag?: string; state?: string; offset?: number }) => {
    const s = new URLSearchParams();
    if (q.dag) s.set('dag', q.dag);
    if (q.state) s.set('state', q.state);
    if (q.offset) s.set('offset', String(q.offset));
    return s.size ? `${ALERTS}?${s}` : ALERTS;
  },
  mute: (dagId: string) => `/dags/${e(dagId)}/alerts/mute`,
  unmute: (dagId: string) => `/dags/${e(dagId)}/alerts/unmute`,
};
const STATES = ['pending', 'sending', 'sent', 'failed', 'suppressed'];
const PAGE_SIZE = 50;

function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new SluiceError('USAGE', `${name} must be given once`);
  return v.trim() || undefined;
}

function filterOf(req: Request): { dag?: string; state?: string; offset: number } {
  const state = query(req, 'state');
  if (state && !STATES.includes(state))
    throw new SluiceError('USAGE', `state must be one of ${STATES.join(', ')}, got "${state}"`);
  const raw = query(req, 'offset') ?? '0';
  if (!/^\d{1,9}$/.test(raw)) throw new SluiceError('USAGE', `offset must be a whole number >= 0, got "${raw}"`);
  return { dag: query(req, 'dag'), state, offset: Number(raw) };
}

const targetText = (t: AlertTarget) => ({ channel: t.channel, to: t.to });

/** The configured channels, by name, for the page's header and its empty state. */
function channelsOf(a: AlertSettings): string[] {
  const webhooks = Object.keys(a.webhooks);
  return [
    ...(a.slack ? ['Slack'] : []),
    ...(webhooks.length ? [`Slack webhooks (${webhooks.sort().join(', ')})`] : []),
    ...(a.email ? ['email'] : []),
  ];
}

/** One row of the history: where it went, its state and what explains it (why suppressed, the provider's answer, the next try). */
const historyRow = (a: AlertRow) => ({
  ...a,
  at: a.sent_at ?? a.created_at,
  dagUrl: a.dag_id ? links.dag(a.dag_id) : a.file_path ? links.dags() : undefined,
  runUrl: a.dag_id && a.run_id ? links.run(a.dag_id, a.run_id) : undefined,
  retry: a.state === 'pending' && a.attempts > 0 ? { n: a.attempts + 1, at: a.next_attempt_at } : undefined,
  note: a.state === 'suppressed' ? a.reason : a.state === 'failed' || a.state === 'pending' ? a.answer : undefined,
});

/** What the DAG page's Alerts section shows (the partial `dag-alerts`). */
export async function dagAlertsView(rt: Runtime, dagId: string, viewer: Viewer) {
  const r = await dagAlertRouting(rt, dagId);
  return {
    ...r,
    events: r.events.map((x) => ({ event: x.event, targets: x.targets.map(targetText) })),
    tasks: r.tasks.map((t) => ({ ...t, targets: t.targets.map(targetText) })),
    canOperate: can(viewer.user.role, 'operate'),
    csrf: viewer.csrfToken,
    muteUrl: pages.mute(dagId),
    unmuteUrl: pages.unmute(dagId),
    historyUrl: pages.history({ dag: dagId }),
  };
}

export function alertsPages(app: Express, deps: WebDeps): void {
  const { rt } = deps;

  app.get(ALERTS, requires('read'), async (req, res) => {
    const f = filterOf(req);
    const [history, incidents, mutes, dagIds] = await Promise.all([
      alertHistory(rt, { dagId: f.dag, state: f.state, limit: PAGE_SIZE, offset: f.offset }),
      alertIncidents(rt),
      alertMutes(rt),
      activeDagIds(rt.db),
    ]);
    const viewer = viewerOf(res)!;
    const total = history.total;
    res.type('html').send(
      deps.render('alerts', {
        title: 'Alerts',
        viewer,
        canOperate: can(viewer.user.role, 'operate'),
        channels: channelsOf(rt.config.alerts),
        incidents: incidents.map((i) => ({
          ...i,
          url: i.dag_id ? links.dag(i.dag_id) : links.dags(),
          historyUrl: i.dag_id ? pages.history({ dag: i.dag_id }) : undefined,
        })),
        mutes: mutes.map((m) => ({ ...m, url: links.dag(m.dag_id), unmuteUrl: pages.unmute(m.dag_id) })),
        filter: f,
        filtered: !!(f.dag || f.state),
        dagIds: dagIds.sort(),
        states: STATES.map((s) => ({ name: s, selected: s === f.state })),
        alerts: history.alerts.map(historyRow),
        total,
        paging:
          total > PAGE_SIZE
            ? {
                prev: f.offset > 0 ? pages.history({ ...f, offset: Math.max(0, f.offset - PAGE_SIZE) }) : undefined,
                next: f.offset + PAGE_SIZE < total ? pages.history({ ...f, offset: f.offset + PAGE_SIZE }) : undefined,
                page: Math.floor(f.offset / PAGE_SIZE) + 1,
                pages: Math.ceil(total / PAGE_SIZE),
              }
            : undefined,
        allUrl: ALERTS,
      }),
    );
  });

  // A bad duration is a USAGE error: the error page says it, with the rule (as the trigger form's mistakes).
  app.post('/dags/:dagId/alerts/mute', requires('operate'), async (req, res) => {
    const dagId = req.params.dagId as string;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    await muteDag(rt, dagId, {
      for: typeof body.for === 'string' ? body.for.trim() : '',
      by: viewerOf(res)!.user.username,
      reason: reason || undefined,
    });
    res.redirect(303, links.dag(dagId));
  });

  // From the alerts page the button comes back there; from the DAG page, to the DAG.
  app.post('/dags/:dagId/alerts/unmute', requires('operate'), async (req, res) => {
    const dagId = req.params.dagId as string;
    await unmuteDag(rt, dagId);
    res.redirect(303, (req.body as Record<string, unknown> | undefined)?.back === ALERTS ? ALERTS : links.dag(dagId));
  });
}
