/**
 * A DAG's graph as SVG (src/web/svg-graph.ts lays it out): every task with its upstream edges, and
 * the tables tasks write and read as nodes of a second kind, joined by dashed edges, so a model's
 * task sits between the load that fills its source and the checkpoint on it. Task nodes carry the
 * state of one run.
 */
import type { DagStructure } from '../dag/serialized-dag';
import { graphSvg, type SvgBox, type SvgEdge } from './svg-graph';

export function dagGraphSvg(
  s: DagStructure,
  stateOf: (taskId: string) => string | undefined,
  linkOf: (taskId: string) => string | undefined,
): string {
  const boxes: SvgBox[] = [];
  for (const t of s.tasks) {
    const state = stateOf(t.id) ?? 'none';
    boxes.push({
      id: `task:${t.id}`,
      label: t.id,
      sub: state !== 'none' ? `${t.operator} · ${state.replace(/_/g, ' ')}` : t.operator,
      // A task's second line also shows its state (" · upstream failed" at the longest).
      subExtra: 18 - (state !== 'none' ? state.length + 3 : 0),
      cls: `node node-task state-${state}`,
      title: `${t.id}: ${state.replace(/_/g, ' ')}`,
      link: linkOf(t.id),
      rx: 6,
    });
  }
  const tables = new Set(s.tasks.flatMap((t) => [...(t.produces ?? []), ...(t.consumes ?? [])]));
  for (const name of tables)
    boxes.push({
      id: `table:${name}`,
      label: name,
      sub: 'table',
      cls: 'node node-table',
      title: `table ${name}`,
      rx: 2,
    });
  const edges: SvgEdge[] = [];
  for (const t of s.tasks) {
    for (const u of t.upstream) edges.push({ v: `task:${u}`, w: `task:${t.id}`, cls: 'edge edge-dep' });
    for (const p of t.produces ?? []) edges.push({ v: `task:${t.id}`, w: `table:${p}`, cls: 'edge edge-data' });
    for (const c of t.consumes ?? []) edges.push({ v: `table:${c}`, w: `task:${t.id}`, cls: 'edge edge-data' });
  }
  return graphSvg(boxes, edges, { cls: 'dag-graph', label: `graph of ${s.dagId}` });
}
