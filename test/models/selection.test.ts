import path from 'node:path';
import { ValidationError } from '../../src/errors/errors';
import { selectModels } from '../../src/models/selection';
import type { Materialization, ModelNode, ModelProject } from '../../src/models/types';

const ROOT = '/project';

function node(name: string, dir: string, materialized: Materialization, tags: string[] = [], schema = dir): ModelNode {
  const rel = `sql/${dir}/${name}.sql`;
  return {
    name,
    file: path.join(ROOT, rel),
    path: rel,
    template: 'select 1',
    templateLine: 1,
    refs: [],
    sources: [],
    config: { materialized, schema, uniqueKey: [], tags, columns: {} },
  };
}

/*
 * stg_orders ──► int_orders (ephemeral) ──► revenue ──► report
 *      │                                      ▲
 *      └──► orders_daily    stg_customers ────┘
 */
const nodes = [
  node('report', 'marts', 'view', ['finance']),
  node('revenue', 'marts', 'table', ['daily', 'finance']),
  node('orders_daily', 'marts', 'incremental', ['daily']),
  node('int_orders', 'intermediate', 'ephemeral'),
  node('stg_orders', 'staging', 'view', ['daily']),
  node('stg_customers', 'staging', 'view', [], 'crm'),
];
const upstream: Record<string, string[]> = {
  report: ['revenue'],
  revenue: ['int_orders', 'stg_customers'],
  orders_daily: ['stg_orders'],
  int_orders: ['stg_orders'],
  stg_orders: [],
  stg_customers: [],
};
const project: ModelProject = {
  root: ROOT,
  seeds: new Map(),
  models: new Map(nodes.map((n) => [n.name, n])),
  upstream: new Map(Object.entries(upstream)),
};

const sel = (select?: string | string[], exclude?: string | string[]) => selectModels(project, { select, exclude });
const sorted = (xs: string[]) => [...xs].sort();

function selectionError(select: string | string[], exclude?: string): ValidationError {
  try {
    sel(select, exclude);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).code).toBe('MODEL_INVALID');
    return e as ValidationError;
  }
  throw new Error(`selection ${JSON.stringify(select)} did not fail`);
}

describe('selectModels', () => {
  it('selects every model in graph order when nothing or * is asked for', () => {
    const all = sel();
    expect(sorted(all)).toEqual(sorted(nodes.map((n) => n.name)));
    expect(all.indexOf('stg_orders')).toBeLessThan(all.indexOf('int_orders'));
    expect(all.indexOf('int_orders')).toBeLessThan(all.indexOf('revenue'));
    expect(all.indexOf('revenue')).toBeLessThan(all.indexOf('report'));
    expect(sel('*')).toEqual(all);
    expect(sel([])).toEqual(all);
  });

  it('selects one model by name', () => {
    expect(sel('revenue')).toEqual(['revenue']);
  });

  it('adds all ancestors with +name and all descendants with name+', () => {
    expect(sorted(sel('+revenue'))).toEqual(['int_orders', 'revenue', 'stg_customers', 'stg_orders']);
    expect(sorted(sel('stg_orders+'))).toEqual(['int_orders', 'orders_daily', 'report', 'revenue', 'stg_orders']);
    expect(sorted(sel('+int_orders+'))).toEqual(['int_orders', 'report', 'revenue', 'stg_orders']);
  });

  it('limits the depth with N+name and name+N', () => {
    expect(sorted(sel('1+revenue'))).toEqual(['int_orders', 'revenue', 'stg_customers']);
    expect(sorted(sel('2+report'))).toEqual(['int_orders', 'report', 'revenue', 'stg_customers']);
    expect(sorted(sel('stg_orders+1'))).toEqual(['int_orders', 'orders_daily', 'stg_orders']);
    expect(sorted(sel('stg_orders+2'))).toEqual(['int_orders', 'orders_daily', 'revenue', 'stg_orders']);
    expect(sorted(sel('1+revenue+1'))).toEqual(['int_orders', 'report', 'revenue', 'stg_customers']);
  });

  it('selects a model, its descendants and their ancestors with @name', () => {
    expect(sorted(sel('@stg_customers'))).toEqual(['int_orders', 'report', 'revenue', 'stg_customers', 'stg_orders']);
  });

  it('selects by tag, path (folder or file, relative or absolute) and config', () => {
    expect(sorted(sel('tag:daily'))).toEqual(['orders_daily', 'revenue', 'stg_orders']);
    expect(sorted(sel('path:sql/marts'))).toEqual(['orders_daily', 'report', 'revenue']);
    expect(sorted(sel('path:sql/marts/'))).toEqual(['orders_daily', 'report', 'revenue']);
    expect(sorted(sel('path:./sql/staging'))).toEqual(['stg_customers', 'stg_orders']);
    expect(sel('path:sql/marts/revenue.sql')).toEqual(['revenue']);
    expect(sel(`path:${ROOT}/sql/marts/report.sql`)).toEqual(['report']);
    expect(sorted(sel('path:sql'))).toEqual(sorted(nodes.map((n) => n.name)));
    expect(sel('config.materialized:incremental')).toEqual(['orders_daily']);
    expect(sel('config.materialized:ephemeral')).toEqual(['int_orders']);
    expect(sel('config.schema:crm')).toEqual(['stg_customers']);
  });

  it('does not take a path prefix that stops inside a folder name', () => {
    expect(() => sel('path:sql/mart')).toThrow(/no model under path "sql\/mart".*did you mean "sql\/marts"/);
  });

  it('selects by name glob', () => {
    expect(sorted(sel('stg_*'))).toEqual(['stg_customers', 'stg_orders']);
  });

  it('takes a graph operator on a method', () => {
    expect(sorted(sel('+tag:finance'))).toEqual(
      sorted(['report', 'revenue', 'int_orders', 'stg_orders', 'stg_customers']),
    );
  });

  it('unions space-separated selectors and returns them in graph order', () => {
    const picked = sel('report stg_customers revenue');
    expect(picked).toEqual(['stg_customers', 'revenue', 'report']);
    expect(sel(['report', 'stg_customers revenue'])).toEqual(picked);
  });

  it('intersects comma-separated parts', () => {
    expect(sorted(sel('tag:daily,path:sql/marts'))).toEqual(['orders_daily', 'revenue']);
    expect(sorted(sel('+report,config.materialized:view'))).toEqual(['report', 'stg_customers', 'stg_orders']);
    expect(sel('tag:daily,tag:finance,path:sql/marts')).toEqual(['revenue']);
    expect(sel('tag:finance,config.materialized:incremental')).toEqual([]);
  });

  it('excludes with the same syntax', () => {
    expect(sorted(sel('stg_orders+', 'stg_orders'))).toEqual(['int_orders', 'orders_daily', 'report', 'revenue']);
    expect(sorted(sel('*', 'path:sql/marts tag:daily'))).toEqual(['int_orders', 'stg_customers']);
    expect(sel('path:sql/marts', 'revenue+')).toEqual(['orders_daily']);
    expect(sel('tag:daily', 'tag:daily,path:sql/marts')).toEqual(['stg_orders']);
  });

  it('reports an unknown model with did-you-mean', () => {
    const e = selectionError('+revnue+');
    expect(e.message).toMatch(/unknown model "revnue" in "\+revnue\+" \(did you mean "revenue"\?\)/);
  });

  it('reports an unknown method, tag, materialization or schema with did-you-mean', () => {
    expect(selectionError('tags:daily').message).toMatch(
      /unknown selector method "tags".*did you mean "tag".*methods: tag, path, config.materialized, config.schema/,
    );
    expect(selectionError('config.materialised:view').message).toMatch(/did you mean "config.materialized"/);
    expect(selectionError('tag:dayly').message).toMatch(/no model has tag "dayly".*did you mean "daily"/);
    expect(selectionError('config.materialized:incremntal').message).toMatch(
      /unknown materialization "incremntal".*did you mean "incremental"/,
    );
    expect(selectionError('config.schema:mart').message).toMatch(/no model has schema "mart".*did you mean "marts"/);
    expect(selectionError('stg_x*').message).toMatch(/no model matches "stg_x\*"/);
  });

  it('rejects malformed selectors', () => {
    expect(selectionError('+').message).toMatch(/invalid selector "\+"/);
    expect(selectionError('@2+revenue').message).toMatch(/invalid selector/);
    expect(selectionError('tag:daily,').message).toMatch(/invalid selector "" in "tag:daily,"/);
  });

  it('reports every problem at once, in --exclude too', () => {
    const e = selectionError('revnue tag:dayly', 'reprot');
    expect(e.issues).toHaveLength(3);
    expect(e.message).toMatch(/3 problems/);
    expect(e.message).toMatch(/did you mean "report"/);
  });
});
