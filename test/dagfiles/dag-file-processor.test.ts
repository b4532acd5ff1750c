import { utimesSync, unlinkSync } from 'node:fs';
import { checkDagFiles } from '../../src/actions/check-dag-files';
import { listDags } from '../../src/actions/list-dags';
import { dagFileProcessor } from '../../src/actions/runtime';
import { dagFile, tempProject, testRuntime } from '../support/sandbox';

const good = (id: string, extra = '') =>
  dagFile(`
export default defineDag({
  id: '${id}', schedule: '@daily', startDate: '2026-01-01', owner: 'ana',
  tasks: [task('a', () => 1), task({ id: 'b', upstream: ['a'], run: () => 2 })${extra}],
});`);

describe('parsing DAG files in child processes', () => {
  const p = tempProject();
  p.write('good.ts', good('good'));
  p.write('syntax.ts', `import { defineDag } from 'sluice';\nconst x = ;\n`);
  p.write('throws.ts', `const a = 1;\n\nthrow new Error('cannot reach the API at import');\n`);
  p.write('loops.ts', `let i = 0;\nwhile (true) { i++; }\n`);
  p.write(
    'cycle.ts',
    dagFile(`
export default defineDag({
  id: 'cycle', schedule: '@daily', startDate: '2026-01-01',
  tasks: [
    task({ id: 'a', upstream: ['b'] as string[], run: () => 1 }),
    task({ id: 'b', upstream: ['a'] as string[], run: () => 1 }),
    task({ id: 'c', upstream: ['zzz'] as string[], run: () => 1 }),
    task('c', () => 1),
  ],
});`),
  );
  p.write(
    'badcron.ts',
    dagFile(
      `export default defineDag({ id: 'badcron', schedule: '0 25 * * *', startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
    ),
  );
  p.write('zz_duplicate.ts', good('good'));
  afterAll(() => p.cleanup());

  test('each broken file is an import error with file and line; good DAGs still load', async () => {
    const r = await checkDagFiles(p.dags, { processes: 2, timeoutMs: 3000 });
    expect(r.dags.map((d) => d.dagId)).toEqual(['good']);
    const by = (name: string) =>
      r.issues
        .filter((i) => i.file.endsWith(`/${name}`))
        .map((i) => ({ line: i.line, code: i.code, message: i.message }));
    expect(by('syntax.ts')).toEqual([{ line: 2, code: 'SYNTAX', message: 'Unexpected ";"' }]);
    expect(by('throws.ts')).toEqual([
      { line: 3, code: 'IMPORT_THREW', message: 'Error: cannot reach the API at import' },
    ]);
    expect(by('loops.ts')).toEqual([
      expect.objectContaining({ line: null, code: 'TIMEOUT', message: expect.stringMatching(/longer than 3s/) }),
    ]);
    expect(
      by('cycle.ts')
        .map((i) => i.message)
        .sort(),
    ).toEqual(['cycle: a -> b -> a', 'duplicate task id "c"', 'task "c" has unknown upstream task "zzz"']);
    expect(by('cycle.ts').find((i) => i.message.startsWith('duplicate'))!.line).toBe(9);
    expect(by('badcron.ts')).toEqual([
      expect.objectContaining({
        line: 2,
        code: 'DAG_INVALID',
        message: expect.stringMatching(/invalid cron "0 25 \* \* \*"/),
      }),
    ]);
    expect(by('zz_duplicate.ts')).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_DAG_ID', message: 'DAG id "good" is already defined in good.ts' }),
    ]);
  });
});

describe('syncing the DAG folder into Postgres', () => {
  const p = tempProject();
  afterAll(() => p.cleanup());

  test('new, changed, broken and deleted files', async () => {
    const rt = await testRuntime('sync', p);
    const files = dagFileProcessor(rt);
    try {
      const one = p.write('one.ts', good('one'));
      p.write('two.ts', good('two'));
      expect(await files.sync()).toMatchObject({ parsed: 2, dags: 2, errors: 0 });
      expect(await files.sync()).toMatchObject({ parsed: 0, unchanged: 2 });

      // Touching a file without changing it costs a hash, not a parse.
      utimesSync(one, new Date(), new Date(Date.now() + 5000));
      expect(await files.sync()).toMatchObject({ parsed: 0 });

      // An edit is picked up on the next sync, as a new version.
      p.write('one.ts', good('one', `, task({ id: 'c', upstream: ['b'], run: () => 3 })`));
      expect(await files.sync()).toMatchObject({ parsed: 1, dags: 1 });
      const versions = await rt.db.query(`SELECT count(*)::int AS n FROM sluice.dag_version WHERE dag_id = 'one'`);
      expect(versions.rows[0].n).toBe(2);

      // A broken edit is an import error (and an event) but keeps the DAG as it was.
      p.write('one.ts', `import { defineDag } from 'sluice';\nexport default defineDag(\n`);
      await files.sync();
      let listing = await listDags(rt.db);
      expect(listing.dags.map((d) => d.dagId)).toEqual(['one', 'two']);
      expect(listing.importErrors).toEqual([expect.objectContaining({ code: 'SYNTAX', file: one })]);
      const events = await rt.db.query(`SELECT kind, file_path FROM sluice.event ORDER BY id`);
      expect(events.rows).toEqual([{ kind: 'import_error', file_path: one }]);

      // Deleting a file deactivates its DAGs and clears its errors.
      unlinkSync(one);
      expect(await files.sync()).toMatchObject({ removed: 1 });
      listing = await listDags(rt.db);
      expect(listing.dags.map((d) => d.dagId)).toEqual(['two']);
      expect(listing.importErrors).toEqual([]);
    } finally {
      await files.close();
      await rt.close();
    }
  });
});
