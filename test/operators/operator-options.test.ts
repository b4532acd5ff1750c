import path from 'node:path';
import { checkDagFiles } from '../../src/actions/check-dag-files';
import { tempProject } from '../support/sandbox';

/*
 * Operator options as a user writes them in a DAG file, without a type checker: a missing required
 * option or a value of the wrong type is a problem of the DAG naming the task and the option (not a
 * TypeError from inside Sluice), a misspelt option gets the operator's own option as a hint, and what
 * an operator finds wrong while the file is parsed is reported at the operator call's line and column.
 */
const p = tempProject();
afterAll(() => p.cleanup());

async function issuesOf(name: string, text: string) {
  const file = p.write(name, text);
  const r = await checkDagFiles(p.dags, { processes: 1, timeoutMs: 10_000 });
  return r.issues.filter((i) => i.file === file).map((i) => `${i.line}:${i.column} ${i.code} ${i.message}`);
}

test('missing and mistyped options of every operator are DAG problems naming the task, the option and what it takes', async () => {
  const issues = await issuesOf(
    'options.ts',
    `import { defineDag } from 'sluice';
import { bashOperator, checkpoint, filesToLake, httpToLake, loadToRaw, postgresToLake, seeds, waitForObjects } from 'sluice/operators';

const cols = [{ name: 'id', type: 'integer' }];
export default defineDag({
  id: 'options', schedule: null, startDate: '2026-01-01',
  tasks: [
    filesToLake({ id: 'files', source: 'shop', dataset: 'customers', path: 'c.csv' } as never),
    filesToLake({ id: 'files2', source: 'shop', dataset: 'x', path: 7, colums: cols, onMalformed: 'rejct', maxRejects: -1 } as never),
    httpToLake({ id: 'http', source: 3, dataset: 'p', url: 'https://x.test', columns: [{ name: 'id', type: 'txt' }, 'amount'], maxPages: '5', pagination: { mode: 'pages' }, headers: { 'x-key': 5 }, auth: { value: { env: 'T' } } } as never),
    postgresToLake({ id: 'pg', source: 'shop', dataset: 'o', columns: cols } as never),
    loadToRaw({ id: 'load', dataset: 'o', hourly: 'no', replace: 'tabel', onNewColumn: 'ad' } as never),
    waitForObjects({ id: 'wait', key: ['a'], minObjects: 0 } as never),
    bashOperator({ id: 'bash', comand: 'echo hi', env: { A: 1 } } as never),
    checkpoint({ id: 'gate', suites: 'orders' } as never),
    seeds({ id: 'seed', select: 'raw_customers', projectDir: 5 } as never),
  ],
});
`,
  );
  expect(issues).toEqual([
    '8:5 DAG_INVALID task "files": columns is required: a list of columns ({ name, type })',
    '9:5 DAG_INVALID task "files2": columns is required: a list of columns ({ name, type })',
    '9:5 DAG_INVALID task "files2": path must be a string or a function (ctx) => …, got the number 7',
    '9:5 DAG_INVALID task "files2": onMalformed must be \'fail\' or \'reject\', got the string "rejct" (did you mean "reject"?)',
    '9:5 DAG_INVALID task "files2": maxRejects must be a whole number >= 0, got the number -1',
    '9:5 DAG_INVALID task "files2": unknown option "colums" (did you mean "columns"?)',
    '10:5 DAG_INVALID task "http": source must be a string, got the number 3',
    '10:5 DAG_INVALID task "http": columns[0].type must be one of text, integer, bigint, numeric, double, boolean, date, timestamp, timestamptz, jsonb, got the string "txt" (did you mean "text"?)',
    '10:5 DAG_INVALID task "http": columns[1] must be a column ({ name, type }), got the string "amount"',
    '10:5 DAG_INVALID task "http": headers.x-key must be a string or { env: \'VARIABLE\' }, got the number 5',
    '10:5 DAG_INVALID task "http": maxPages must be a whole number >= 1, got the string "5"',
    "10:5 DAG_INVALID task \"http\": pagination.mode must be 'none' or 'page' or 'offset' or 'cursor' or 'next-link', got the string \"pages\" (did you mean \"page\"?)",
    '10:5 DAG_INVALID task "http": auth.header is required: a string',
    '11:5 DAG_INVALID task "pg": connection is required: a string or { env: \'VARIABLE\' }',
    '11:5 DAG_INVALID task "pg": give either table or query',
    '12:5 DAG_INVALID task "load": source is required: a string',
    '12:5 DAG_INVALID task "load": hourly must be true or false, got the string "no"',
    '12:5 DAG_INVALID task "load": onNewColumn must be \'error\' or \'add\', got the string "ad" (did you mean "add"?)',
    '12:5 DAG_INVALID task "load": replace must be \'partition\' or \'table\', got the string "tabel" (did you mean "table"?)',
    '13:5 DAG_INVALID task "wait": bucket is required: a string',
    '13:5 DAG_INVALID task "wait": key must be a string or a function (ctx) => …, got an array ["a"]',
    '13:5 DAG_INVALID task "wait": minObjects must be a whole number >= 1, got the number 0',
    '14:5 DAG_INVALID task "bash": command is required: a string',
    '14:5 DAG_INVALID task "bash": env.A must be a string or { env: \'VARIABLE\' }, got the number 1',
    '14:5 DAG_INVALID task "bash": unknown option "comand" (did you mean "command"?)',
    '15:5 DAG_INVALID task "gate": suites must be a list of strings, got the string "orders"',
    '16:5 DAG_INVALID task "seed": select must be a list of strings, got the string "raw_customers"',
    '16:5 DAG_INVALID task "seed": projectDir must be a string, got the number 5',
  ]);
});

test("what an operator finds wrong while the file is parsed is reported at the operator call; sqlModels' own mistakes once, named", async () => {
  p.write('../sql/staging/stg_customers.sql', 'select 1 as id\n');
  p.write('../seeds/raw_customers.csv', 'id\n1\n');
  // Importing stops at the first throw: one call per file.
  const dagWith = (call: string) => `import { defineDag } from 'sluice';
import { seeds, sqlModels } from 'sluice/operators';

const projectDir = ${JSON.stringify(p.dir)};
export default defineDag({
  id: 'models', schedule: null, startDate: '2026-01-01',
  tasks: [${call}],
});
`;
  p.write('models.ts', dagWith(`...sqlModels({ projectDir, select: 'path:sql/stagin' })`));
  p.write('seeds.ts', dagWith(`\n    seeds({ id: 'seed', projectDir, select: ['raw_customer'] }),\n  `));
  const issues = await issuesOf(
    'own.ts',
    dagWith(`...sqlModels({ projectDir, select: ['stg_customers'], retires: 2 } as never)`),
  );
  expect(issues).toEqual([
    '7:14 DAG_INVALID sqlModels: select must be a string, got an array ["stg_customers"]',
    '7:14 DAG_INVALID sqlModels: unknown option "retires" (did you mean "retries"?)',
  ]);
  const r = await checkDagFiles(p.dags, { processes: 1, timeoutMs: 10_000 });
  expect(
    r.issues
      .filter((i) => /(models|seeds)\.ts$/.test(i.file))
      .map((i) => `${path.basename(i.file)}:${i.line}:${i.column} ${i.code} ${i.message}`),
  ).toEqual([
    'models.ts:7:14 DAG_INVALID no model under path "sql/stagin" in "path:sql/stagin" (did you mean "sql/staging"?)',
    'seeds.ts:8:5 DAG_INVALID no seed named "raw_customer" in seeds/ (did you mean "raw_customers"?)',
  ]);
});

test('a TypeError from inside an operator says which operator call it came from, at the call', async () => {
  const issues = await issuesOf(
    'throws.ts',
    `import { defineDag, task } from 'sluice';
import { filesToLake } from 'sluice/operators';

export default defineDag({
  id: 'throws', schedule: null, startDate: '2026-01-01',
  tasks: [task('a', () => 1), filesToLake(undefined as never)],
});
`,
  );
  expect(issues).toEqual(['6:31 DAG_INVALID filesToLake takes an object of options, got undefined']);
});
