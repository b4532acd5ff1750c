/**
 * Benchmark entry point: `npm run bench` runs every suite, `npm run bench -- <suite> [...]` the
 * named ones. Each suite prints a table and rewrites its own section of docs/benchmarks.md.
 */
interface Suite {
  readonly describe: string;
  run(): Promise<void>;
}

const SUITES: Record<string, Suite> = {
  checks: {
    describe: '25 expectations on a 1M-row table vs one hand-written aggregate query; table scans',
    run: () => (require('./checks') as typeof import('./checks')).runChecksBench(),
  },
  models: {
    describe: 'compile 2,000 generated SQL models; models run overhead per model beyond the SQL',
    run: () => (require('./models') as typeof import('./models')).runModelsBench(),
  },
  scheduler: {
    describe: 'trigger-to-success latency, task lag, hop latency, fan-out throughput, DAG file parsing',
    // Loaded on demand (require: bin/run-ts.js registers tsx for CommonJS only).
    run: () => (require('./scheduler') as typeof import('./scheduler')).runSchedulerBench(),
  },
  web: {
    describe: 'grid and DAG list pages, 50 clients on the DAG list, commit → visible in an open page',
    run: () => (require('./web') as typeof import('./web')).runWebBench(),
  },
  load: {
    describe: 'CSV object → raw vs psql \\copy, loader peak RSS on a 1 GB object, HTTP API → lake records/s',
    run: () => (require('./load') as typeof import('./load')).runLoadBench(),
  },
  alerts: {
    describe:
      'task failure committed → Slack and email accepted; a storm of 1,000 failures: messages sent, suppressed, CPU',
    run: () => (require('./alerts') as typeof import('./alerts')).runAlertsBench(),
  },
};

async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      `usage: npm run bench -- [suite...]\n\nsuites:\n${Object.entries(SUITES)
        .map(([n, s]) => `  ${n.padEnd(12)} ${s.describe}`)
        .join('\n')}\n`,
    );
    return;
  }
  const names = args.length ? args : Object.keys(SUITES);
  const unknown = names.filter((n) => !SUITES[n]);
  if (unknown.length)
    throw new Error(`unknown benchmark suite(s): ${unknown.join(', ')} (known: ${Object.keys(SUITES).join(', ')})`);
  for (const name of names) {
    process.stdout.write(`\n== ${name} ==\n`);
    await SUITES[name].run();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`benchmark failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
