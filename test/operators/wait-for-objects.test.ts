import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TaskContext } from '../../src/dag/types';
import { localObjectStore } from '../../src/lake/local-object-store';
import { waitForObjects } from '../../operators/wait-for-objects';

const root = mkdtempSync(path.join(os.tmpdir(), 'sluice-sensor-'));
const store = localObjectStore(root);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ctx = (): TaskContext =>
  ({
    ds: '2026-03-01',
    dagId: 'd',
    runId: 'r',
    taskId: 'wait',
    objectStore: store,
    signal: new AbortController().signal,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  }) as unknown as TaskContext;

test('the sensor succeeds once the objects appear under the prefix, and fails at its timeout naming what it waited for', async () => {
  await store.ensureBucket('raw');
  const sensor = waitForObjects({
    id: 'wait',
    bucket: 'raw',
    key: 'shop/orders/dt={{ds}}/',
    minObjects: 2,
    pokeInterval: '50ms',
    timeout: '2s',
  });
  const waiting = sensor.run(ctx());
  await store.put('raw', 'shop/orders/dt=2026-03-01/part-0000.csv', 'a\n');
  await new Promise((r) => setTimeout(r, 120));
  await store.put('raw', 'shop/orders/dt=2026-03-01/part-0001.csv', 'b\n');
  await expect(waiting).resolves.toEqual({
    bucket: 'raw',
    keys: ['shop/orders/dt=2026-03-01/part-0000.csv', 'shop/orders/dt=2026-03-01/part-0001.csv'],
  });

  const never = waitForObjects({
    id: 'wait',
    bucket: 'raw',
    key: 'shop/payments/dt={{ds}}/part-0000.csv',
    pokeInterval: '50ms',
    timeout: '200ms',
  });
  await expect(never.run(ctx())).rejects.toThrow(
    'raw/shop/payments/dt=2026-03-01/part-0000.csv: 0 of 1 object(s) after waiting 200ms',
  );
});
