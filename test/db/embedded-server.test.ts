import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../support/sandbox';

/*
 * PGlite is one backend. Connections to its server take turns by session: a statement's protocol
 * messages and a whole transaction run without another connection's messages in between (with
 * pglite-socket's own server, a large-parameter query got another connection's statement), and a
 * connection that leaves inside a transaction has it rolled back.
 */
test('three connections at once see only their own statements and transactions; a leaver is rolled back', async () => {
  const r = await promisify(execFile)(
    process.execPath,
    [path.join(REPO, 'bin/run-ts.js'), path.join(REPO, 'test/support/embedded-sessions.ts')],
    { timeout: 120_000, maxBuffer: 1 << 20 },
  );
  expect(JSON.parse(r.stdout)).toEqual({ wrong: 0, rows: 90, leaverRows: 0 });
}, 150_000);
