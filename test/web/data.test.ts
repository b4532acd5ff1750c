import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { localObjectStore } from '../../src/lake/local-object-store';
import { REPO, tempProject } from '../support/sandbox';
import { waitFor } from '../support/processes';
import { STACK_KINDS, startWebStack, WebClient, type WebStack } from '../support/web-stack';

/*
 * The Data pages and routes against `sluice standalone` that has run the demo DAG twice: the
 * lineage from the sources to the checkpoints, a raw table's loads as the ingestion log has them,
 * the lake's objects with the checksum of their bytes, on both databases.
 */
const HOSTILE_TABLE = 'raw.<script>alert(1)</script>';
const HOSTILE_KEY = `hostile/<img src=x onerror=alert(1)> & "q".csv`;
const DAYS = ['2026-03-01', '2026-03-02'];

const p = tempProject();
p.write('demo.ts', `export { default } from ${JSON.stringify(path.join(REPO, 'dags', 'demo_shop'))};\n`);
p.write(
  'hostile.ts',
  `import { defineDag } from 'sluice';
import { loadToRaw } from 'sluice/operators';
export default defineDag({
  id: 'hostile_data', schedule: null, startDate: '2026-01-01',
  tasks: [loadToRaw({ id: 'load_evil', source: 'evil', dataset: 'things', table: ${JSON.stringify(HOSTILE_TABLE)} })],
});
`,
);
const env = {
  SLUICE_PROJECT_DIR: REPO,
  SLUICE_EXPECTATIONS_DIR: path.join(REPO, 'expectations'),
  SLUICE_TARGET_DIR: path.join(p.dir, 'target'),
};
afterAll(() => p.cleanup());

/** An attribute's text as Handlebars escaped it. */
const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

interface Node {
  id: string;
  kind: string;
  name: string;
  url: string;
  tasks: Array<{ dag_id: string; task_id: string }>;
}

describe.each(STACK_KINDS)('the Data pages on %s', (kind) => {
  let stack: WebStack;
  let admin: WebClient;
  const tokens: Record<string, string> = {};
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const lakeDir = () => path.join(p.dir, `.sluice-${kind}`, 'lake');

  const conforms = (method: string, route: string, status: number, body: unknown) => {
    const pointer = `api#/paths/${route.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    if (!validate(body))
      throw new Error(`${method} ${route}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  };
  const api = async (url: string, token = tokens.viewer, init: { method?: string; json?: unknown } = {}) => {
    const res = await fetch(`${stack.url}/api/v1${url}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    stack = await startWebStack(kind, `data_${kind}`, p, env);
    for (const [name, role] of [
      ['admin', undefined],
      ['vera', 'Viewer'],
    ] as const) {
      if (role) await stack.sluice(['users', 'create', name, '--role', role, '--password-stdin'], 'vera-pass-12\n');
      const t = await stack.sluice(['users', 'tokens', 'create', name, 'tests']);
      tokens[name] = t.stdout.trim().split('\n').at(-1)!;
    }
    tokens.viewer = tokens.vera;
    admin = new WebClient(stack.url);
    expect((await admin.login('admin', stack.adminPassword)).status).toBe(303);
    const doc = (await api('/openapi.json')).body;
    ajv.addSchema({ ...doc, $id: 'api' });
    // Two days of the demo, one after the other (the DAG runs one at a time).
    await waitFor(async () => (await api('/dags/demo_shop')).status === 200, 60_000, 'the demo DAG to be parsed');
    for (const day of DAYS) {
      const made = await api('/dags/demo_shop/runs', tokens.admin, {
        method: 'POST',
        json: { logical_date: `${day}T00:00:00Z`, dag_run_id: `data_${day}` },
      });
      expect(made.status).toBe(201);
    }
    let last: unknown;
    await waitFor(
      async () => {
        const runs = (await api('/dags/demo_shop/runs')).body;
        last = runs;
        const mine = runs.items.filter((r: { run_id: string }) => r.run_id.startsWith('data_'));
        const busy = runs.items.some((r: { state: string }) => r.state === 'queued' || r.state === 'running');
        if (mine.some((r: { state: string }) => r.state === 'failed'))
          throw new Error(`a demo run failed: ${JSON.stringify(runs)}\n${stack.output().slice(-4000)}`);
        return !busy && mine.length === 2 && mine.every((r: { state: string }) => r.state === 'success');
      },
      240_000,
      'both demo runs to succeed',
    ).catch((e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(last)}\n${stack.output().slice(-4000)}`);
    });
    // An object no DAG landed, with a key full of markup.
    await localObjectStore(lakeDir()).put('raw', HOSTILE_KEY, 'a,b\n1,2\n');
  }, 420_000);
  afterAll(async () => stack?.stop(), 60_000);

  test('the lineage runs from the sources through the lake, raw tables and models to the checkpoints', async () => {
    const res = await api('/lineage');
    expect(res.status).toBe(200);
    conforms('get', '/lineage', 200, res.body);
    const nodes = new Map<string, Node>(res.body.nodes.map((n: Node) => [n.id, n]));
    const edges = new Set(res.body.edges.map((e: { from: string; to: string }) => `${e.from} -> ${e.to}`));
    expect(res.body.problems).toEqual([]);
    const kinds = (k: string) => [...nodes.values()].filter((n) => n.kind === k).map((n) => n.name);
    expect(kinds('source')).toEqual(expect.arrayContaining(['shop_app.orders', 'customers/customers-{{ds}}.csv.gz']));
    expect(kinds('source')).toHaveLength(3);
    expect(kinds('dataset').sort()).toEqual(['evil.things', 'payments.payments', 'shop.customers', 'shop.orders']);
    expect(kinds('raw').sort()).toEqual(
      [HOSTILE_TABLE, 'raw.payments_payments', 'raw.shop_customers', 'raw.shop_orders'].sort(),
    );
    expect(kinds('model')).toEqual(
      expect.arrayContaining(['staging.stg_orders', 'marts.daily_revenue_by_method', 'marts.customer_lifetime_value']),
    );
    expect(kinds('checkpoint').sort()).toEqual([
      'daily_revenue',
      'raw_customers',
      'raw_orders',
      'raw_payments',
      'stg_orders',
    ]);
    // One path end to end: the Postgres table → its lake dataset → its raw table → staging → marts → a gate.
    const pg = [...nodes.values()].find((n) => n.name === 'shop_app.orders')!;
    expect(pg.tasks).toEqual([{ dag_id: 'demo_shop', task_id: 'land_orders' }]);
    for (const e of [
      `${pg.id} -> dataset:raw/shop/orders/`,
      'dataset:raw/shop/orders/ -> table:raw.shop_orders',
      'table:raw.shop_orders -> table:staging.stg_orders',
      'table:raw.shop_orders -> checkpoint:raw_orders',
      'table:staging.stg_orders -> checkpoint:stg_orders',
    ])
      expect(edges).toContain(e);
    const marts = [...edges].filter((e) => (e as string).endsWith('-> checkpoint:daily_revenue'));
    expect(marts.length).toBeGreaterThan(0);
    expect(nodes.get('table:raw.shop_orders')!.tasks).toEqual([{ dag_id: 'demo_shop', task_id: 'load_orders' }]);
    expect(nodes.get('table:staging.stg_orders')!.tasks).toEqual([{ dag_id: 'demo_shop', task_id: 'stg_orders' }]);
    const only = await api('/lineage?kind=model');
    conforms('get', '/lineage', 200, only.body);
    expect(only.body.nodes.every((n: Node) => n.kind === 'model')).toBe(true);
    expect((await api('/lineage?kind=dashboard')).status).toBe(400);
  });

  test('the lineage page draws every node as a link that resolves, each kind named', async () => {
    const page = await admin.get('/data');
    expect(page.status).toBe(200);
    expect(page.text_).toContain('<a href="/data">Data</a>');
    const svg = /<svg class="dag-graph lineage-graph"[\s\S]*?<\/svg>/.exec(page.text_)![0];
    const { nodes } = (await api('/lineage')).body as { nodes: Node[] };
    expect(svg.match(/<a href="[^"]*" class="node node-/g)).toHaveLength(nodes.length);
    for (const k of ['source', 'dataset', 'raw', 'model', 'checkpoint'])
      expect(svg).toMatch(new RegExp(`class="node node-${k}[^"]*"`));
    expect(svg).toMatch(/<text[^>]*class="sub">raw table · /);
    expect(svg).toMatch(/<text[^>]*class="sub">checkpoint · passed<\/text>/);
    // Hostile names are text, never markup.
    expect(page.text_).not.toContain('<script>alert(1)');
    expect(page.text_).toContain('raw.&lt;script&gt;alert(1)&lt;/script&gt;');
    const hrefs = [...svg.matchAll(/<a href="([^"]*)" class="node/g)].map((m) => unescape(m[1]));
    for (const n of nodes) expect(hrefs).toContain(n.url);
    for (const url of new Set(hrefs)) {
      const r = await admin.get(url);
      expect([url, r.status]).toEqual([url, 200]);
    }
    const checkpoint = nodes.find((n) => n.id === 'checkpoint:raw_orders')!;
    expect(checkpoint.url).toMatch(/^\/data-docs\/validations\/raw_orders\/\d+\.html$/);
    expect(nodes.find((n) => n.id === 'table:raw.shop_orders')!.url).toBe('/data/tables/raw.shop_orders');
    expect(nodes.find((n) => n.id === 'dataset:raw/shop/orders/')!.url).toBe('/data/lake/raw/shop/orders/');
  });

  test("a raw table's page shows its last load and charts the ingestion log's loads", async () => {
    const log = await api('/ingestion-log?table=raw.shop_orders&kind=load&status=success');
    conforms('get', '/ingestion-log', 200, log.body);
    expect(log.body.total).toBeGreaterThanOrEqual(DAYS.length);
    const newest = log.body.items[0];
    expect(newest.rows).toBeGreaterThan(0);
    const detail = await api('/tables/raw.shop_orders');
    expect(detail.status).toBe(200);
    conforms('get', '/tables/{table}', 200, detail.body);
    expect(detail.body).toMatchObject({
      kind: 'raw',
      last: { kind: 'load', status: 'success', rows: newest.rows, ds: newest.ds, run_id: newest.run_id },
    });
    const oldestFirst = [...log.body.items].reverse();
    expect(
      detail.body.history
        .filter((c: { status: string }) => c.status === 'success')
        .map((c: { rows: number }) => c.rows),
    ).toEqual(oldestFirst.map((r: { rows: number }) => r.rows));
    for (const day of DAYS)
      expect(detail.body.partitions.map((x: { partition: string }) => x.partition)).toContain(`dt=${day}`);
    expect(detail.body.columns.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['order_id', '_ds', '_partition']),
    );
    expect(detail.body.upstream).toEqual(['dataset:raw/shop/orders/']);
    expect(detail.body.downstream).toEqual(
      expect.arrayContaining(['table:staging.stg_orders', 'checkpoint:raw_orders']),
    );

    const page = await admin.get('/data/tables/raw.shop_orders');
    expect(page.status).toBe(200);
    const last = /<dl class="details last-change">[\s\S]*?<\/dl>/.exec(page.text_)![0];
    expect(last).toContain(`<dd class="rows">${newest.rows}</dd>`);
    expect(last).toContain(`href="/dags/demo_shop/runs/${encodeURIComponent(newest.run_id)}/tasks/load_orders"`);
    const chart = JSON.parse(unescape(/data-chart="([^"]*)"/.exec(page.text_)![1]));
    expect(chart.points.map((x: { rows: number }) => x.rows)).toEqual(oldestFirst.map((r: { rows: number }) => r.rows));
    expect(chart.points.map((x: { ds: string }) => x.ds)).toEqual(oldestFirst.map((r: { ds: string }) => r.ds));
    expect(page.text_).toContain('<script src="/static/vendor/echarts.min.js" defer></script>');
    const echarts = await fetch(`${stack.url}/static/vendor/echarts.min.js`);
    expect(echarts.status).toBe(200);
    expect(echarts.headers.get('content-type')).toMatch(/javascript/);
    expect((await echarts.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${stack.url}/static/data-chart.js`)).status).toBe(200);
  });

  test("a model's page shows its builds; the models API lists, filters and compiles", async () => {
    const detail = await api('/tables/staging.stg_orders');
    conforms('get', '/tables/{table}', 200, detail.body);
    expect(detail.body.kind).toBe('model');
    expect(detail.body.last).toMatchObject({ kind: 'build', status: 'success', task_id: 'stg_orders' });
    expect(detail.body.history.filter((c: { run_id: string }) => c.run_id.startsWith('data_'))).toHaveLength(2);
    expect((await admin.get('/data/tables/staging.stg_orders')).status).toBe(200);
    const models = await api('/models');
    conforms('get', '/models', 200, models.body);
    expect(models.body.items.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining(['stg_orders', 'daily_revenue_by_method']),
    );
    const staging = await api('/models?schema=staging&limit=2');
    conforms('get', '/models', 200, staging.body);
    expect(staging.body.items).toHaveLength(2);
    expect(staging.body.total).toBe(3);
    expect(staging.body.items.every((m: { schema: string }) => m.schema === 'staging')).toBe(true);
    expect((await api('/models?schema=staging&offset=2')).body.items).toHaveLength(1);
    expect((await api('/models?q=revenue')).body.items.map((m: { name: string }) => m.name)).toEqual([
      'daily_revenue_by_method',
    ]);
    const mat = models.body.items[0].materialized;
    expect(
      (await api(`/models?materialized=${mat}`)).body.items.every(
        (m: { materialized: string }) => m.materialized === mat,
      ),
    ).toBe(true);
    const one = await api('/models/stg_orders?ds=2026-03-01');
    conforms('get', '/models/{model}', 200, one.body);
    expect(one.body.compiled_sql).toMatch(/select/i);
    expect(one.body.table).toBe('staging.stg_orders');
    const missing = await api('/models/stg_ordrs');
    expect([missing.status, missing.body.error.message]).toEqual([
      404,
      expect.stringMatching(/did you mean "stg_orders"/),
    ]);
    conforms('get', '/models/{model}', 404, missing.body);
    expect((await api('/models/stg_orders?ds=yesterday')).status).toBe(400);
  });

  test('the ingestion log is paginated and filtered', async () => {
    const all = await api('/ingestion-log');
    conforms('get', '/ingestion-log', 200, all.body);
    const ids = all.body.items.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const second = await api('/ingestion-log?limit=1&offset=1');
    expect(second.body).toMatchObject({ total: all.body.total, limit: 1, offset: 1, items: [{ id: ids[1] }] });
    const day = await api(`/ingestion-log?dag_id=demo_shop&dataset=shop.orders&ds_from=${DAYS[0]}&ds_to=${DAYS[0]}`);
    conforms('get', '/ingestion-log', 200, day.body);
    expect(day.body.items.length).toBeGreaterThanOrEqual(2); // its landing and its load
    for (const r of day.body.items)
      expect(r).toMatchObject({ dataset: 'shop.orders', ds: DAYS[0], dag_id: 'demo_shop' });
    const lands = await api('/ingestion-log?kind=land&bucket=raw');
    expect(lands.body.items.every((r: { kind: string }) => r.kind === 'land')).toBe(true);
    expect((await api('/ingestion-log?dag_id=nope')).body).toMatchObject({ items: [], total: 0 });
    for (const q of [
      'status=maybe',
      'kind=x',
      'ds_from=2026-13-01',
      'limit=0',
      `dataset=${encodeURIComponent("' OR 1=1 --")}`,
    ]) {
      const r = await api(`/ingestion-log?${q}`);
      if (q.startsWith('dataset')) expect(r.body).toMatchObject({ items: [], total: 0 });
      else {
        expect([q, r.status, r.body.error.code]).toEqual([q, 400, 'USAGE']);
        conforms('get', '/ingestion-log', 400, r.body);
      }
    }
  });

  test('the lake browser lists the objects with rows, bytes and the sha256 of their bytes', async () => {
    const root = await admin.get('/data/lake');
    expect(root.status).toBe(200);
    expect(root.text_).toContain('href="/data/lake/raw/"');
    const dataset = await admin.get('/data/lake/raw/shop/orders/');
    expect(dataset.status).toBe(200);
    for (const day of DAYS) expect(dataset.text_).toContain(`href="/data/lake/raw/shop/orders/dt%3D${day}/"`);
    expect(dataset.text_).toContain('<code>dt</code> = <code>2026-03-01</code>');
    const objects = await api(`/lake/objects?bucket=raw&prefix=shop/orders/`);
    conforms('get', '/lake/objects', 200, objects.body);
    expect(objects.body.total).toBeGreaterThanOrEqual(DAYS.length);
    const landed = (await api('/ingestion-log?kind=land&dataset=shop.orders&status=success&limit=1000')).body.items;
    for (const o of objects.body.items) {
      const bytes = readFileSync(path.join(lakeDir(), 'raw', ...o.key.split('/')));
      expect(o).toMatchObject({ recorded_in: 'ingestion_log', bytes: bytes.length, size: bytes.length });
      expect(o.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const entry = landed.find((r: { object_key: string }) => r.object_key === o.key);
      expect(o.rows).toBe(entry.rows);
      expect(o.partition.dt).toBe(o.key.split('/')[2].slice('dt='.length));
    }
    const first = objects.body.items[0];
    const partition = await admin.get(`/data/lake/raw/shop/orders/dt=${first.partition.dt}/`);
    expect(partition.status).toBe(200);
    const row = /<table class="list objects">[\s\S]*?<\/table>/.exec(partition.text_)![0];
    expect(row).toContain('<code class="key">part-0000.csv</code>');
    expect(row).toContain(`<td class="num">${first.rows}</td><td class="num">${first.bytes}</td>`);
    expect(row).toContain(`title="${first.sha256}"`);
    const paged = await api('/lake/objects?bucket=raw&prefix=shop/&limit=1&offset=1');
    conforms('get', '/lake/objects', 200, paged.body);
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.total).toBeGreaterThan(2);
  });

  test('hostile keys and table names are shown as text; traversal is refused', async () => {
    const folder = await admin.get('/data/lake/raw/hostile/');
    expect(folder.status).toBe(200);
    expect(folder.text_).not.toContain('<img src=x');
    expect(folder.text_).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; &quot;q&quot;.csv');
    const listed = await api('/lake/objects?bucket=raw&prefix=hostile/');
    conforms('get', '/lake/objects', 200, listed.body);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ key: HOSTILE_KEY, size: 8, rows: null, sha256: null, recorded_in: null, landed: null }),
    ]);
    const evil = await admin.get(`/data/tables/${encodeURIComponent(HOSTILE_TABLE)}`);
    expect(evil.status).toBe(200);
    expect(evil.text_).not.toContain('<script>alert(1)');
    expect(evil.text_).toContain('No loads yet');
    const evilApi = await api(`/tables/${encodeURIComponent(HOSTILE_TABLE)}`);
    conforms('get', '/tables/{table}', 200, evilApi.body);
    expect(evilApi.body).toMatchObject({ table: HOSTILE_TABLE, kind: 'raw', last: null, history: [] });
    const none = await admin.get(`/data/tables/${encodeURIComponent('nope.<b>x</b>')}`);
    expect(none.status).toBe(404);
    expect(none.text_).not.toContain('<b>x</b>');
    expect(none.text_).toContain('nope.&lt;b&gt;x&lt;/b&gt;');
    // Sent as typed, not normalised by a URL parser.
    const raw = (target: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(stack.url);
        http
          .get(
            { host: u.hostname, port: u.port, path: target, headers: { authorization: `Bearer ${tokens.viewer}` } },
            (res) => {
              res.resume();
              resolve(res.statusCode!);
            },
          )
          .on('error', reject);
      });
    for (const target of [
      '/data/lake/raw/../../standalone_admin_password.txt',
      '/data/lake/raw/shop/..%2F..%2F..%2Fstandalone_admin_password.txt',
      '/data/lake/raw/%2E%2E/%2E%2E/',
      '/data/lake/..%2F..%2Fpgdata/',
      '/data/lake/raw/shop%5C..%5C/',
    ]) {
      const status = await raw(target);
      expect([target, [400, 404].includes(status)]).toEqual([target, true]);
    }
    for (const q of ['bucket=raw&prefix=../', 'bucket=raw&prefix=a/../../', 'bucket=..', 'prefix=shop/']) {
      const r = await api(`/lake/objects?${q}`);
      expect([q, [400, 404].includes(r.status)]).toEqual([q, true]);
      conforms('get', '/lake/objects', r.status, r.body);
    }
    expect((await api('/lake/objects?bucket=no-such-bucket')).status).toBe(404);
  });

  test('a Viewer reads every Data page and route', async () => {
    const vera = new WebClient(stack.url);
    expect((await vera.login('vera', 'vera-pass-12')).status).toBe(303);
    for (const url of ['/data', '/data/lake', '/data/lake/raw/', '/data/tables/raw.shop_orders'])
      expect([url, (await vera.get(url)).status]).toEqual([url, 200]);
    for (const url of [
      '/lineage',
      '/models',
      '/models/stg_orders',
      '/tables/raw.shop_orders',
      '/ingestion-log',
      '/lake/objects?bucket=raw',
    ])
      expect([url, (await api(url, tokens.viewer)).status]).toEqual([url, 200]);
    const anonymous = await fetch(`${stack.url}/data`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect((await fetch(`${stack.url}/api/v1/lineage`)).status).toBe(401);
  });
});
