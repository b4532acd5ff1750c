/**
 * A DAG's graph as SVG, laid out on the server by dagre (left to right): every task with its
 * upstream edges, and the tables tasks write and read as nodes of a second kind, joined by dashed
 * edges, so a model's task sits between the load that fills its source and the checkpoint on it.
 * Task nodes carry the state of one run; every text is escaped.
 */
import dagre from '@dagrejs/dagre';
import Handlebars from 'handlebars';
import type { DagStructure } from '../dag/serialized-dag';

const esc = Handlebars.Utils.escapeExpression;
const CHAR_PX = 7.2;
const NODE_H = 34;

interface Box {
  readonly id: string;
  readonly kind: 'task' | 'table';
  readonly label: string;
  readonly sub: string;
  readonly width: number;
}

export function dagGraphSvg(
  s: DagStructure,
  stateOf: (taskId: string) => string | undefined,
  linkOf: (taskId: string) => string | undefined,
): string {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const boxes = new Map<string, Box>();
  const add = (b: Omit<Box, 'width'>) => {
    // A task's second line also shows its state (" · upstream failed" at the longest).
    const sub = b.sub.length + (b.kind === 'task' ? 18 : 0);
    const width = Math.ceil(Math.max(b.label.length * CHAR_PX, sub * CHAR_PX * 0.85)) + 24;
    boxes.set(b.id, { ...b, width });
    g.setNode(b.id, { width, height: NODE_H });
  };
  for (const t of s.tasks) add({ id: `task:${t.id}`, kind: 'task', label: t.id, sub: t.operator });
  const tables = new Set(s.tasks.flatMap((t) => [...(t.produces ?? []), ...(t.consumes ?? [])]));
  for (const name of tables) add({ id: `table:${name}`, kind: 'table', label: name, sub: 'table' });
  const edges: Array<{ v: string; w: string; kind: 'dep' | 'data' }> = [];
  for (const t of s.tasks) {
    for (const u of t.upstream) edges.push({ v: `task:${u}`, w: `task:${t.id}`, kind: 'dep' });
    for (const p of t.produces ?? []) edges.push({ v: `task:${t.id}`, w: `table:${p}`, kind: 'data' });
    for (const c of t.consumes ?? []) edges.push({ v: `table:${c}`, w: `task:${t.id}`, kind: 'data' });
  }
  edges.forEach((e, i) => g.setEdge(e.v, e.w, {}, String(i)));
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const parts: string[] = [];
  edges.forEach((e, i) => {
    const pts = (g.edge(e.v, e.w, String(i)) as { points: Array<{ x: number; y: number }> }).points;
    const d = pts.map((p, j) => `${j ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    parts.push(`<path class="edge edge-${e.kind}" d="${d}" marker-end="url(#arrow)"/>`);
  });
  for (const b of boxes.values()) {
    const n = g.node(b.id) as { x: number; y: number };
    const x = n.x - b.width / 2;
    const y = n.y - NODE_H / 2;
    const taskId = b.kind === 'task' ? b.id.slice('task:'.length) : undefined;
    const state = taskId ? (stateOf(taskId) ?? 'none') : undefined;
    const title = taskId ? `${b.label}: ${(state ?? 'none').replace(/_/g, ' ')}` : `table ${b.label}`;
    const body =
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${b.width}" height="${NODE_H}" rx="${b.kind === 'table' ? 2 : 6}"/>` +
      `<text x="${(x + 10).toFixed(1)}" y="${(y + 14).toFixed(1)}" class="label">${esc(b.label)}</text>` +
      `<text x="${(x + 10).toFixed(1)}" y="${(y + 27).toFixed(1)}" class="sub">${esc(state && state !== 'none' ? `${b.sub} · ${state.replace(/_/g, ' ')}` : b.sub)}</text>` +
      `<title>${esc(title)}</title>`;
    const cls = `node node-${b.kind}${state ? ` state-${esc(state)}` : ''}`;
    const link = taskId ? linkOf(taskId) : undefined;
    parts.push(link ? `<a href="${esc(link)}" class="${cls}">${body}</a>` : `<g class="${cls}">${body}</g>`);
  }
  return (
    `<svg class="dag-graph" xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" role="img" aria-label="${esc(`graph of ${s.dagId}`)}">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>` +
    parts.join('') +
    `</svg>`
  );
}
