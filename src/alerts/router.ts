import type { Database } from '../db/database';
import type { Queryable } from '../db/queryable';
import type { AlertEvent } from '../dag/alert-spec';
import {
  closeIncident,
  incidentTargets,
  insertAlerts,
  lockRouter,
  markRouted,
  mutedUntil,
  openIncident,
  runAlertTargets,
  sentWithin,
  structuresOfFile,
  unroutedEvents,
  type NewAlert,
  type UnroutedEvent,
} from '../state/alert-routing';
import type { AlertKind, AlertTarget } from './message';
import type { ProjectRouting } from './project-routing';
import { importRouteOf, routeOf, type ResolvedRoute } from './routes';

/**
 * Turns events into alerts, in the transaction that marks them routed:
 * - a run's failures (a task failed after its last try, the run failed) are one alert per target
 *   and run, sent with every failed task it has by then and the failing expectations of its closed
 *   gates; they open the DAG's failure incident;
 * - the same (DAG, task, kind) within the window is recorded as suppressed, and the next message
 *   of it says how many were;
 * - a recovery goes where the incident's messages went, and closes it; nothing was sent, nothing is;
 * - a DAG file that stops importing opens its own incident, alerts once, and once when it imports;
 * - a muted DAG's alerts are recorded as suppressed.
 */

// A closed gate is told by its task's failure, which follows at once (a gate is not retried): the
// check_failed event itself comes while the task still runs, before the message could say so.
const FAILURE_EVENTS = new Set(['task_failed', 'run_failed']);
const KIND_OF: Readonly<Record<string, { kind: AlertKind; on: AlertEvent }>> = {
  task_failed: { kind: 'failure', on: 'failure' },
  run_failed: { kind: 'failure', on: 'failure' },
  task_retry: { kind: 'retry', on: 'retry' },
  check_warned: { kind: 'warning', on: 'warning' },
  deadline_missed: { kind: 'deadline', on: 'deadline' },
  run_recovered: { kind: 'recovered', on: 'recovered' },
};

const BATCH = 200;

/** Routes a batch of events; how many were routed (0 when none wait or another process routes). */
export async function routeEvents(db: Database, project: ProjectRouting): Promise<number> {
  return db.transaction(async (c) => {
    if (!(await lockRouter(c))) return 0;
    const events = await unroutedEvents(c, BATCH);
    for (const e of events) await routeEvent(c, e, project);
    await markRouted(
      c,
      events.map((e) => e.id),
    );
    return events.length;
  });
}

const sameTarget = (a: { channel: string; target: string }, t: AlertTarget) =>
  a.channel === t.channel && a.target === t.to;

async function routeEvent(c: Queryable, e: UnroutedEvent, project: ProjectRouting): Promise<void> {
  if (e.kind === 'import_error' || e.kind === 'import_fixed') return routeImport(c, e, project);
  const k = KIND_OF[e.kind];
  if (!k || !e.dag_id || !e.structure) return;
  const dagId = e.dag_id;
  const route = routeOf(e.structure, e.task_id, project);
  const muted = await mutedUntil(c, dagId);
  const base = { dagId, runPk: e.run_pk, filePath: null, eventId: e.id };
  const failureKey = `dag:${dagId}:failure`;

  if (k.kind === 'recovered') {
    const incident = await closeIncident(c, failureKey, e.id);
    if (incident === null || !route.on.includes('recovered')) return;
    const targets = await incidentTargets(c, incident);
    await insertAlerts(
      c,
      targets.map((t) => ({
        ...base,
        kind: 'recovered',
        dedupeKey: `${dagId}:-:recovered`,
        incidentId: incident,
        channel: t.channel,
        target: t.target,
        taskId: null,
        state: muted ? 'suppressed' : 'pending',
        reason: muted ? `muted until ${muted.toISOString()}` : null,
      })),
    );
    return;
  }
  if (!route.on.includes(k.on) || !route.targets.length) return;

  let incidentId: number | null = null;
  let targets = route.targets;
  if (FAILURE_EVENTS.has(e.kind)) {
    incidentId = (await openIncident(c, { key: failureKey, kind: 'failure', dagId, filePath: null, eventId: e.id })).id;
    // Later failures of a run fold into the alert the run already has for that target.
    if (e.run_pk !== null) {
      const already = await runAlertTargets(c, e.run_pk, 'failure');
      targets = targets.filter((t) => !already.some((a) => sameTarget(a, t)));
    }
  }
  const subject = k.kind === 'deadline' ? String(e.payload.name ?? '-') : (e.task_id ?? '-');
  const dedupeKey = `${dagId}:${subject}:${k.kind}`;
  await insertAlerts(
    c,
    await planned(c, targets, route, { ...base, kind: k.kind, dedupeKey, incidentId, taskId: e.task_id }, muted),
  );
}

/** One alert per target: pending, or suppressed (muted, or a repeat within the window). */
async function planned(
  c: Queryable,
  targets: readonly AlertTarget[],
  route: ResolvedRoute,
  a: Omit<NewAlert, 'channel' | 'target' | 'state' | 'reason'>,
  muted: Date | null,
): Promise<NewAlert[]> {
  const out: NewAlert[] = [];
  for (const t of targets) {
    const repeat =
      !muted &&
      (await sentWithin(c, {
        dedupeKey: a.dedupeKey,
        channel: t.channel,
        target: t.to,
        windowMs: route.windowMs,
        incidentId: a.incidentId,
      }));
    out.push({
      ...a,
      channel: t.channel,
      target: t.to,
      state: muted || repeat ? 'suppressed' : 'pending',
      reason: muted ? `muted until ${muted.toISOString()}` : repeat ? 'repeat within the window' : null,
    });
  }
  return out;
}

async function routeImport(c: Queryable, e: UnroutedEvent, project: ProjectRouting): Promise<void> {
  if (!e.file_path) return;
  const key = `file:${e.file_path}:import_error`;
  const base = { dagId: null, runPk: null, taskId: null, filePath: e.file_path, eventId: e.id };
  if (e.kind === 'import_fixed') {
    const incident = await closeIncident(c, key, e.id);
    if (incident === null) return;
    const targets = await incidentTargets(c, incident);
    await insertAlerts(
      c,
      targets.map((t) => ({
        ...base,
        kind: 'import_fixed',
        dedupeKey: `file:${e.file_path}:import_fixed`,
        incidentId: incident,
        channel: t.channel,
        target: t.target,
        state: 'pending',
        reason: null,
      })),
    );
    return;
  }
  const route = importRouteOf(await structuresOfFile(c, e.file_path), project);
  if (!route.targets.length) return;
  const incident = await openIncident(c, {
    key,
    kind: 'import_error',
    dagId: null,
    filePath: e.file_path,
    eventId: e.id,
  });
  await insertAlerts(
    c,
    route.targets.map((t) => ({
      ...base,
      kind: 'import_error',
      dedupeKey: key,
      incidentId: incident.id,
      channel: t.channel,
      target: t.to,
      // A file whose error changed while it still fails: counted, not sent again.
      state: incident.opened ? 'pending' : 'suppressed',
      reason: incident.opened ? null : 'the file still does not import (its error changed)',
    })),
  );
}
