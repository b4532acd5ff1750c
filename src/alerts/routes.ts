import { DEFAULT_ALERT_EVENTS, type AlertEvent, type StoredAlertRoutes } from '../dag/alert-spec';
import type { DagStructure } from '../dag/serialized-dag';
import type { AlertTarget } from './message';
import type { ProjectRouting } from './project-routing';

/**
 * Where one event of a DAG (or of one of its tasks) goes. The most specific level that names any
 * target wins (the task's, the DAG's, the owner's in routing.json, the project's defaults); `on`
 * comes from the most specific level that sets it.
 */
export interface ResolvedRoute {
  readonly targets: readonly AlertTarget[];
  readonly on: readonly AlertEvent[];
  readonly windowMs: number;
}

const hasTargets = (r: StoredAlertRoutes | null | undefined): r is StoredAlertRoutes =>
  !!r && r.slack.length + r.webhook.length + r.email.length > 0;

export function targetsOf(r: StoredAlertRoutes): AlertTarget[] {
  return [
    ...r.slack.map((to) => ({ channel: 'slack' as const, to })),
    ...r.webhook.map((to) => ({ channel: 'webhook' as const, to })),
    ...r.email.map((to) => ({ channel: 'email' as const, to })),
  ];
}

function resolve(levels: ReadonlyArray<StoredAlertRoutes | null | undefined>, windowMs: number): ResolvedRoute {
  const routes = levels.find(hasTargets);
  const on = levels.find((l) => l?.on)?.on ?? DEFAULT_ALERT_EVENTS;
  return { targets: routes ? targetsOf(routes) : [], on, windowMs };
}

/** The route of an event of this DAG, of the task when one is named. */
export function routeOf(s: DagStructure, taskId: string | null, project: ProjectRouting): ResolvedRoute {
  const task = taskId ? s.tasks.find((t) => t.id === taskId)?.alerts : undefined;
  return resolve([task, s.alerts, project.owners[s.owner], project.defaults], s.alerts?.windowMs ?? project.windowMs);
}

/** The route of a DAG file that does not import: where its DAGs alert, else `imports`, else the defaults. */
export function importRouteOf(dags: readonly DagStructure[], project: ProjectRouting): ResolvedRoute {
  const seen = new Set<string>();
  const targets: AlertTarget[] = [];
  for (const s of dags)
    for (const t of routeOf(s, null, project).targets) {
      const key = `${t.channel}\u0000${t.to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push(t);
    }
  if (targets.length) return { targets, on: DEFAULT_ALERT_EVENTS, windowMs: project.windowMs };
  return resolve([project.imports, project.defaults], project.windowMs);
}
