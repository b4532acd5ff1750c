import type { Express, Request } from 'express';
import { dataLineage, type LineageNode } from '../../actions/data-lineage';
import { tableDetail } from '../../actions/data-table';
import { lakeBuckets, listLake } from '../../actions/lake-browser';
import { SluiceError } from '../../errors/errors';
import { requires, viewerOf } from '../auth';
import { dataLinks, nodeLinks } from '../data-links';
import { KIND_LABELS, lineageSvg, nodeSub } from '../lineage-svg';
import { links } from '../../util/links';
import type { WebDeps } from '../app';

/** ECharts' browser build, served as a static file (pages load it as a script of their own origin). */
const ECHARTS = require.resolve('echarts/dist/echarts.common.min.js');
const LAKE_PAGE = 200;

const taskLinks = (n: LineageNode) =>
  n.tasks.map((t) => ({ label: `${t.dagId}.${t.taskId}`, url: links.dag(t.dagId) }));

/** The offset of a page of objects (`?offset=`), a whole number. */
function offsetOf(req: Request): number {
  const raw = req.query.offset;
  if (raw === undefined) return 0;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw))
    throw new SluiceError('USAGE', `offset must be a whole number, got "${String(raw)}"`);
  return Number(raw);
}

export function dataPages(app: Express, deps: WebDeps): void {
  const { rt } = deps;
  const docsDir = rt.config.dataDocsDir;

  app.get('/static/vendor/echarts.min.js', (_req, res) => {
    res.removeHeader('Cache-Control');
    res.sendFile(ECHARTS, { maxAge: '1h' });
  });

  app.get('/data', requires('read'), async (_req, res) => {
    const l = await dataLineage(rt);
    const linkOf = nodeLinks(l, docsDir);
    res.type('html').send(
      deps.render('data', {
        title: 'Data',
        viewer: viewerOf(res),
        svg: l.nodes.length ? lineageSvg(l, linkOf) : undefined,
        nodes: l.nodes.map((n) => ({
          ...n,
          kindLabel: KIND_LABELS[n.kind],
          sub: nodeSub(n),
          url: linkOf(n),
          taskLinks: taskLinks(n),
        })),
        problems: l.problems,
        lakeUrl: dataLinks.lake(),
      }),
    );
  });

  app.get('/data/tables/:table', requires('read'), async (req, res) => {
    const t = await tableDetail(rt, req.params.table as string);
    const changeOut = (c: NonNullable<typeof t.last>) => ({
      ...c,
      runUrl: c.dagId && c.runId ? links.run(c.dagId, c.runId) : undefined,
      taskUrl: c.dagId && c.runId && c.taskId ? links.taskInstance(c.dagId, c.runId, c.taskId) : undefined,
    });
    const points = t.history.filter((c) => c.status === 'success' && c.rows !== null);
    const nodeOut = (n: LineageNode) => ({ ...n, kindLabel: KIND_LABELS[n.kind], url: dataLinks.node(n, docsDir) });
    res.type('html').send(
      deps.render('data-table', {
        title: t.table,
        viewer: viewerOf(res),
        t,
        kindLabel: KIND_LABELS[t.kind],
        isRaw: t.kind === 'raw',
        last: t.last && changeOut(t.last),
        partitions: t.partitions.map((p) => ({
          ...p,
          runUrl: p.dagId && p.runId ? links.run(p.dagId, p.runId) : undefined,
        })),
        history: [...t.history].reverse().slice(0, 50).map(changeOut),
        chart: points.length
          ? JSON.stringify({
              title: t.kind === 'raw' ? 'rows loaded' : 'rows built',
              points: points.map((c) => ({
                at: c.at.toISOString(),
                rows: c.rows,
                ds: c.ds,
                label: c.partition ?? c.runId,
              })),
            })
          : undefined,
        upstream: t.upstream.map(nodeOut),
        downstream: t.downstream.map(nodeOut),
        taskLinks: t.tasks.map((x) => ({ label: `${x.dagId}.${x.taskId}`, url: links.dag(x.dagId) })),
        lineageUrl: dataLinks.home(),
      }),
    );
  });

  app.get('/data/lake', requires('read'), async (_req, res) => {
    const buckets = await lakeBuckets(rt);
    res.type('html').send(
      deps.render('data-lake', {
        title: 'Lake',
        viewer: viewerOf(res),
        buckets: buckets.map((b) => ({ ...b, url: dataLinks.lake(b.name) })),
        crumbs: [],
        lineageUrl: dataLinks.home(),
      }),
    );
  });

  // A bucket, or a folder of it: /data/lake/<bucket>/<segment>/…/ (each segment decoded by express).
  app.get(['/data/lake/:bucket', '/data/lake/:bucket/*prefix'], requires('read'), async (req, res) => {
    const bucket = req.params.bucket as string;
    const segments = (req.params as { prefix?: string[] }).prefix ?? [];
    if (segments.some((s) => s.includes('/')))
      throw new SluiceError('USAGE', `invalid lake path: a folder name holds a "/"`);
    const prefix = segments
      .filter((s, i) => s !== '' || i < segments.length - 1)
      .map((s) => `${s}/`)
      .join('');
    const offset = offsetOf(req);
    const listing = await listLake(rt, { bucket, prefix, limit: LAKE_PAGE, offset });
    const crumbs = [{ name: bucket, url: dataLinks.lake(bucket) }];
    let at = '';
    for (const s of prefix.split('/').filter((x) => x)) {
      at += `${s}/`;
      crumbs.push({ name: s, url: dataLinks.lake(bucket, at) });
    }
    const more = offset + listing.objects.length < listing.total;
    res.type('html').send(
      deps.render('data-lake', {
        title: `Lake ${bucket}/${prefix}`,
        viewer: viewerOf(res),
        listing,
        crumbs,
        folders: listing.folders.map((f) => ({ ...f, url: dataLinks.lake(bucket, f.prefix) })),
        objects: listing.objects.map((o) => ({
          ...o,
          partitionText: Object.entries(o.partition)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
          runUrl: o.landed?.dagId && o.landed.runId ? links.run(o.landed.dagId, o.landed.runId) : undefined,
        })),
        lakeUrl: dataLinks.lake(),
        lineageUrl: dataLinks.home(),
        next: more ? `?offset=${offset + LAKE_PAGE}` : undefined,
        prev: offset > 0 ? `?offset=${Math.max(0, offset - LAKE_PAGE)}` : undefined,
      }),
    );
  });
}
