import path from 'node:path';
import { alertCredentials, type AlertSettings } from '../config/config';
import { durationMs, formatDuration } from '../config/duration';
import { SluiceError } from '../errors/errors';
import { SecretSet } from '../secrets/task-secrets';
import { openChannels, type OpenChannels } from '../alerts/channels/open-channels';
import { createAlertTemplates } from '../alerts/channels/templates';
import { readProjectRouting } from '../alerts/project-routing';
import { routeOf, targetsOf } from '../alerts/routes';
import type { AlertMessage, AlertTarget } from '../alerts/message';
import { ALERT_EVENTS, type StoredAlertRoutes } from '../dag/alert-spec';
import {
  activeMutes,
  clearMute,
  listAlerts,
  openIncidents,
  recordTestAlert,
  setMute,
  type AlertFilter,
  type AlertRow,
  type IncidentRow,
  type MuteRow,
} from '../state/alert-history';
import { findDag } from './find-dag';
import type { Runtime } from './runtime';

/**
 * What people do with alerts (the CLI, the web UI and the API call these): see the history and
 * the open incidents, mute a DAG for a while, send a test alert through the real configuration,
 * and see where a DAG's alerts go.
 */

/** The channels the configuration sets up, their templates (the project's overrides first), and the masking of their credentials. */
export function alertChannels(
  a: AlertSettings,
  o: { readonly overrides?: boolean } = {},
): { channels: OpenChannels; mask: (text: string) => string } {
  const secrets = new SecretSet();
  for (const v of alertCredentials(a)) secrets.add(v);
  const templates = createAlertTemplates(o.overrides === false ? undefined : path.join(a.dir, 'templates'));
  const channels = openChannels(
    {
      slack: a.slack && { token: a.slack.token, apiUrl: a.slack.apiUrl, timeoutMs: a.timeoutMs },
      webhook: Object.keys(a.webhooks).length ? { webhooks: a.webhooks, timeoutMs: a.timeoutMs } : undefined,
      email: a.email && { url: a.email.url, from: a.email.from, caFile: a.email.caFile, timeoutMs: a.timeoutMs },
    },
    templates,
  );
  return { channels, mask: (t) => secrets.mask(t) };
}

export async function alertHistory(rt: Runtime, f: AlertFilter): Promise<{ total: number; alerts: AlertRow[] }> {
  if (f.dagId) await findDag(rt.db, f.dagId);
  return listAlerts(rt.db, f);
}

export async function alertIncidents(rt: Runtime, dagId?: string): Promise<IncidentRow[]> {
  return openIncidents(rt.db, dagId);
}

export async function alertMutes(rt: Runtime): Promise<MuteRow[]> {
  return activeMutes(rt.db);
}

/** Mutes a DAG's alerts for a while (they are still recorded, as suppressed). */
export async function muteDag(
  rt: Runtime,
  dagId: string,
  o: { for: string; by?: string; reason?: string },
): Promise<MuteRow> {
  await findDag(rt.db, dagId);
  let forMs: number;
  try {
    forMs = durationMs(o.for, '--for', { min: 60_000, max: 30 * 86_400_000 });
  } catch (e) {
    throw new SluiceError('USAGE', (e as Error).message);
  }
  return setMute(rt.db, { dagId, forMs, by: o.by ?? null, reason: o.reason ?? null });
}

export async function unmuteDag(rt: Runtime, dagId: string): Promise<boolean> {
  await findDag(rt.db, dagId);
  return clearMute(rt.db, dagId);
}

export interface TestDelivery {
  readonly channel: AlertTarget['channel'];
  readonly target: string;
  readonly ok: boolean;
  readonly answer: string;
  readonly id: number;
}

/** Sends a test alert to each target now, through the configured channels, and keeps each outcome in the history. */
export async function sendTestAlert(
  rt: Runtime,
  targets: readonly AlertTarget[],
  by: string | undefined,
): Promise<TestDelivery[]> {
  if (!targets.length)
    throw new SluiceError(
      'USAGE',
      'name at least one target: --slack <channel>, --webhook <name> or --email <address>',
    );
  const { channels, mask } = alertChannels(rt.config.alerts);
  const now = new Date();
  const message: AlertMessage = {
    kind: 'test',
    severity: 'info',
    title: 'Test alert from Sluice',
    since: now,
    at: now,
    tasks: [],
    expectations: [],
    suppressed: 0,
    detail: `Sent by ${by ?? 'sluice alerts test'}: if you read this, alerts reach you here.`,
    links: { alerts: `${rt.config.web.baseUrl ?? `http://localhost:${rt.config.web.port}`}/alerts` },
    dedupeKey: 'test',
  };
  try {
    const out: TestDelivery[] = [];
    for (const t of targets) {
      const ch = channels[t.channel];
      const a = ch
        ? await ch.send(t.to, message)
        : ({ ok: false, retry: false, answer: `${t.channel} is not configured (see docs/alerts.md)` } as const);
      const answer = mask(a.answer);
      const id = await recordTestAlert(rt.db, {
        channel: t.channel,
        target: t.to,
        ok: a.ok,
        answer,
        providerId: a.ok ? (a.providerId ?? null) : null,
        message,
      });
      out.push({ channel: t.channel, target: t.to, ok: a.ok, answer, id });
    }
    return out;
  } finally {
    await Promise.all(Object.values(channels).map((c) => c?.close()));
  }
}

export interface DagAlertRouting {
  readonly dagId: string;
  /** Per event: where it goes. Tasks with routes of their own are listed apart. */
  readonly events: ReadonlyArray<{ event: string; targets: readonly AlertTarget[] }>;
  readonly tasks: ReadonlyArray<{ taskId: string; targets: readonly AlertTarget[]; on: readonly string[] }>;
  readonly window: string;
  readonly deadlines: ReadonlyArray<{ name: string; reference: string; after: string; task: string | null }>;
  readonly muted: MuteRow | undefined;
  /** Where the routes came from: the DAG, its owner in routing.json, or the project's defaults. */
  readonly source: 'dag' | 'owner' | 'defaults' | 'none';
}

/** Where a DAG's alerts go, as the router would send them now. */
export async function dagAlertRouting(rt: Runtime, dagId: string): Promise<DagAlertRouting> {
  const dag = await findDag(rt.db, dagId);
  const s = dag.structure;
  const project = readProjectRouting(path.join(rt.config.alerts.dir, 'routing.json'));
  const route = routeOf(s, null, project);
  const hasTargets = (r: StoredAlertRoutes | undefined) => !!r && targetsOf(r).length > 0;
  const source = hasTargets(s.alerts)
    ? 'dag'
    : hasTargets(project.owners[s.owner])
      ? 'owner'
      : hasTargets(project.defaults)
        ? 'defaults'
        : 'none';
  return {
    dagId,
    events: ALERT_EVENTS.map((event) => ({ event, targets: route.on.includes(event) ? route.targets : [] })),
    tasks: s.tasks
      .filter((t) => t.alerts)
      .map((t) => {
        const r = routeOf(s, t.id, project);
        return { taskId: t.id, targets: r.targets, on: r.on };
      }),
    window: formatDuration(route.windowMs),
    deadlines: (s.alerts?.deadlines ?? []).map((d) => ({
      name: d.name,
      reference: d.reference,
      after: formatDuration(d.afterMs),
      task: d.task,
    })),
    muted: (await activeMutes(rt.db)).find((m) => m.dag_id === dagId),
    source,
  };
}
