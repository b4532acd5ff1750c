import { Command, CommanderError } from 'commander';
import { reportError } from './context';
import { ENV_VARS } from '../config/config';

type Register = (program: Command) => void;

/*
 * Command groups, loaded only when used: `sluice models compile` should not pay for loading the
 * scheduler, the database drivers and PGlite (a third of a second). Help lists them all.
 */
const GROUPS: ReadonlyArray<readonly [names: readonly string[], load: () => Register]> = [
  [['dags'], () => (require('./commands/dags') as typeof import('./commands/dags')).dagsCommands],
  [['tasks'], () => (require('./commands/tasks') as typeof import('./commands/tasks')).tasksCommands],
  [['backfill'], () => (require('./commands/backfill') as typeof import('./commands/backfill')).backfillCommand],
  [['runs'], () => (require('./commands/runs') as typeof import('./commands/runs')).runsCommands],
  [
    ['scheduler', 'worker', 'standalone', 'webserver', 'db'],
    () => (require('./commands/services') as typeof import('./commands/services')).serviceCommands,
  ],
  [['models'], () => (require('./commands/models') as typeof import('./commands/models')).modelsCommands],
  [['seed'], () => (require('./commands/seed') as typeof import('./commands/seed')).seedCommand],
  [['sql'], () => (require('./commands/sql') as typeof import('./commands/sql')).sqlCommand],
  [['users'], () => (require('./commands/users') as typeof import('./commands/users')).usersCommands],
  [['alerts'], () => (require('./commands/alerts') as typeof import('./commands/alerts')).alertsCommands],
  [
    ['expectations'],
    () => (require('./commands/expectations') as typeof import('./commands/expectations')).expectationsCommands,
  ],
];

export function buildProgram(argv: readonly string[] = []): Command {
  const program = new Command('sluice')
    .description('Airflow-style DAG scheduler with a SQL-first warehouse')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `\nEnvironment:\n${ENV_VARS.map(([n, m, d]) => `  ${n.padEnd(26)} ${m} (default: ${d})`).join('\n')}`,
    );
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  const used = GROUPS.filter(([names]) => first !== undefined && names.includes(first));
  for (const [, load] of used.length ? used : GROUPS) load()(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(argv);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
}
