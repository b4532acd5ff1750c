/**
 * A directed graph as SVG, laid out on the server by dagre (left to right): boxes with a label and
 * a second line, each a link when it has one, and arrows between them. The DAG graph and the data
 * lineage draw through it; every text is escaped here.
 */
import dagre from '@dagrejs/dagre';
import Handlebars from 'handlebars';

const esc = Handlebars.Utils.escapeExpression;
const CHAR_PX = 7.2;
const NODE_H = 34;

export interface SvgBox {
  readonly id: string;
  readonly label: string;
  readonly sub: string;
  /** Characters the second line may grow by (a state shown later), for the width. */
  readonly subExtra?: number;
  /** Classes of the box's element (`node node-task state-success`). */
  readonly cls: string;
  readonly title: string;
  readonly link?: string;
  /** Corner radius: square-ish boxes for tables. */
  readonly rx: number;
}

export interface SvgEdge {
  readonly v: string;
  readonly w: string;
  /** Classes of the edge's path (`edge edge-dep`). */
  readonly cls: string;
}

export function graphSvg(
  boxes: readonly SvgBox[],
  edges: readonly SvgEdge[],
  svg: { readonly cls: string; readonly label: string },
): string {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const widths = new Map<string, number>();
  for (const b of boxes) {
    const sub = b.sub.length + (b.subExtra ?? 0);
    const width = Math.ceil(Math.max(b.label.length * CHAR_PX, sub * CHAR_PX * 0.85)) + 24;
    widths.set(b.id, width);
    g.setNode(b.id, { width, height: NODE_H });
  }
  edges.forEach((e, i) => g.setEdge(e.v, e.w, {}, String(i)));
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const parts: string[] = [];
  edges.forEach((e, i) => {
    const pts = (g.edge(e.v, e.w, String(i)) as { points: Array<{ x: number; y: number }> }).points;
    const d = pts.map((p, j) => `${j ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    parts.push(`<path class="${esc(e.cls)}" d="${d}" marker-end="url(#arrow)"/>`);
  });
  for (const b of boxes) {
    const n = g.node(b.id) as { x: number; y: number };
    const w = widths.get(b.id)!;
    const x = n.x - w / 2;
    const y = n.y - NODE_H / 2;
    const body =
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w}" height="${NODE_H}" rx="${b.rx}"/>` +
      `<text x="${(x + 10).toFixed(1)}" y="${(y + 14).toFixed(1)}" class="label">${esc(b.label)}</text>` +
      `<text x="${(x + 10).toFixed(1)}" y="${(y + 27).toFixed(1)}" class="sub">${esc(b.sub)}</text>` +
      `<title>${esc(b.title)}</title>`;
    parts.push(
      b.link ? `<a href="${esc(b.link)}" class="${esc(b.cls)}">${body}</a>` : `<g class="${esc(b.cls)}">${body}</g>`,
    );
  }
  return (
    `<svg class="${esc(svg.cls)}" xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" role="img" aria-label="${esc(svg.label)}">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>` +
    parts.join('') +
    `</svg>`
  );
}
