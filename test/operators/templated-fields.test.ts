/** Every templated operator setting sees the same run context, and an unknown name is rejected naming task and setting. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TaskContext } from '../../src/dag/types';
import { operatorConfig, setOperatorConfig } from '../../src/dag/operator-config';
import { localObjectStore } from '../../src/lake/local-object-store';
import { waitForObjects } from '../../operators/wait-for-objects';
import { filesToLake } from '../../operators/files-to-lake';
import { httpToLake } from '../../operators/http-to-lake';

const root = mkdtempSync(path.join(os.tmpdir(), 'sluice-templated-'));
const store = localObjectStore(path.join(root, 'lake'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(() => {
  writeFileSync(path.join(root, 'sluice_project.yml'), 'vars:\n  area: shop\n');
  setOperatorConfig({ ...operatorConfig(), projectRoot: root });
});

const ctx = (params: Record<string, unknown> = {}): TaskContext =>
  ({
    ds: '2026-03-01',
    dagId: 'd',
    runId: 'r',
    taskId: 'wait',
    params,
    objectStore: store,
    signal: new AbortController().signal,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  }) as unknown as TaskContext;

const columns = [{ name: 'id', type: 'integer' as const }];

test('params and project vars render in a templated key; run conf vars override the project file', async () => {
  await store.ensureBucket('raw');
  await store.put('raw', 'shop/eu/2026-03-01.csv', 'a\n');
  await store.put('raw', 'crm/eu/2026-03-01.csv', 'a\n');
  const sensor = waitForObjects({ id: 'wait', bucket: 'raw', key: '{{vars.area}}/{{params.region}}/{{ds}}.csv' });
  await expect(sensor.run(ctx({ region: 'eu' }))).resolves.toEqual({ bucket: 'raw', keys: ['shop/eu/2026-03-01.csv'] });
  await expect(sensor.run(ctx({ region: 'eu', vars: { area: 'crm' } }))).resolves.toEqual({
    bucket: 'raw',
    keys: ['crm/eu/2026-03-01.csv'],
  });
});

test('a name the run does not have is an error naming the task and the setting', async () => {
  const sensor = waitForObjects({ id: 'wait', bucket: 'raw', key: 'x/{{params.regoin}}' });
  await expect(sensor.run(ctx({ region: 'eu' }))).rejects.toThrow(
    'task wait, key: {{params.regoin}} in "x/{{params.regoin}}": params has no "regoin" (did you mean "region"?)',
  );
});

test('a misspelt name is a problem of the task when the DAG is defined, for every templated operator', () => {
  const sensor = waitForObjects({ id: 'wait', bucket: 'raw', key: 'x/{{dss}}' });
  const files = filesToLake({ id: 'land', source: 's', dataset: 'd', columns, path: 'in/{{ds_no_dash}}.csv' });
  const http = httpToLake({
    id: 'api',
    source: 's',
    dataset: 'd',
    columns,
    url: 'https://example.test/{{run}}',
    params: { day: '{{ds}}', page: '{{param.x}}' },
  });
  expect(sensor.problems).toEqual([expect.stringMatching(/^key: \{\{dss\}\} in "x\/\{\{dss\}\}" is not a name/)]);
  expect(files.problems).toEqual([
    expect.stringMatching(/^path: \{\{ds_no_dash\}\} .* \(did you mean "ds_nodash"\?\)/),
  ]);
  expect(http.problems).toEqual([
    expect.stringMatching(/^url: \{\{run\}\} /),
    expect.stringMatching(/^params\.page: \{\{param\.x\}\} /),
  ]);
});
