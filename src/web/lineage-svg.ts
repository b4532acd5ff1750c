/**
 * The data lineage as SVG (src/web/svg-graph.ts lays it out): sources → lake datasets → raw tables
 * → models → checkpoints, each kind its own shape and colour and named on its second line, each
 * node a link to its page.
 */
import type { DataLineage, LineageNode, NodeKind } from '../actions/data-lineage';
import { graphSvg } from './svg-graph';

export const KIND_LABELS: Readonly<Record<NodeKind, string>> = {
  source: 'source',
  dataset: 'lake dataset',
  raw: 'raw table',
  seed: 'seed',
  model: 'model',
  table: 'table',
  checkpoint: 'checkpoint',
};

const RX: Readonly<Record<NodeKind, number>> = {
  source: 14,
  dataset: 10,
  raw: 2,
  seed: 2,
  model: 4,
  table: 2,
  checkpoint: 17,
};

export const nodeSub = (n: LineageNode) => `${KIND_LABELS[n.kind]}${n.detail ? ` · ${n.detail}` : ''}`;

export function lineageSvg(l: DataLineage, linkOf: (n: LineageNode) => string): string {
  const boxes = l.nodes.map((n) => ({
    id: n.id,
    label: n.name,
    sub: nodeSub(n),
    cls: `node node-${n.kind} kind-${n.kind}${n.validation ? ` check-${n.validation.success ? 'passed' : 'failed'}` : ''}`,
    title: `${KIND_LABELS[n.kind]} ${n.name}${n.tasks.length ? ` (${n.tasks.map((t) => `${t.dagId}.${t.taskId}`).join(', ')})` : ''}`,
    link: linkOf(n),
    rx: RX[n.kind],
  }));
  const edges = l.edges.map((e) => ({ v: e.from, w: e.to, cls: 'edge' }));
  return graphSvg(boxes, edges, {
    cls: 'dag-graph lineage-graph',
    label: 'data lineage: sources, lake, raw tables, models, checkpoints',
  });
}
