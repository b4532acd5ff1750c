import path from 'node:path';
import type { DataLineage, LineageNode } from '../actions/data-lineage';
import { links } from '../util/links';

/** Stable URLs of the Data pages, every part URL-encoded. */
const e = encodeURIComponent;

export const dataLinks = {
  home: () => '/data',
  table: (table: string) => `/data/tables/${e(table)}`,
  /** The lake browser: the buckets, a bucket, or a folder (`prefix` ends in `/`). */
  lake: (bucket?: string, prefix = '') =>
    bucket === undefined
      ? '/data/lake'
      : `/data/lake/${e(bucket)}/${prefix
          .split('/')
          .filter((s) => s)
          .map((s) => `${e(s)}/`)
          .join('')}`,
  /** A lineage node's page: the lake for sources and datasets, the table page, a suite's latest Data Docs. */
  node(n: LineageNode, dataDocsDir: string, sourceLake?: LineageNode['lake']): string {
    if (n.lake) return dataLinks.lake(n.lake.bucket, n.lake.prefix);
    if (n.kind === 'source')
      return sourceLake ? dataLinks.lake(sourceLake.bucket, sourceLake.prefix) : dataLinks.lake();
    if (n.table) return dataLinks.table(n.table);
    const docs = n.validation?.docsPath
      ? links.dataDocs(dataDocsDir, path.join(dataDocsDir, n.validation.docsPath))
      : undefined;
    if (docs) return docs;
    return n.tasks[0] ? links.dag(n.tasks[0].dagId) : '/data-docs/';
  },
};

/** Each lineage node's page (a source's is the lake folder of the dataset it lands). */
export function nodeLinks(l: DataLineage, dataDocsDir: string): (n: LineageNode) => string {
  const byId = new Map(l.nodes.map((n) => [n.id, n]));
  const lakes = new Map(l.edges.flatMap((e) => (byId.get(e.to)?.lake ? [[e.from, byId.get(e.to)!.lake]] : [])));
  return (n) => dataLinks.node(n, dataDocsDir, lakes.get(n.id));
}
