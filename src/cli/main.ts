import { Command, CommanderError } from 'commander';
import { dagsCommands } from './commands/dags';
import { tasksCommands } from './commands/tasks';
import { backfillCommand } from './commands/backfill';
import { serviceCommands } from './commands/services';
import { modelsCommands } from './commands/models';
import { expectationsCommands } from './commands/expectations';
import { reportError } from './context';
import { ENV_VARS } from '../config/config';

export function buildProgram(): Command {
  const program = new Command('sluice')
    .description('Airflow-style DAG scheduler with a SQL-first warehouse')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText('after', `\nEnvironment:\n${ENV_VARS.map(([n, m, d]) => `  ${n.padEnd(26)} ${m} (default: ${d})`).join('\n')}`);
  dagsCommands(program);
  tasksCommands(program);
  backfillCommand(program);
  serviceCommands(program);
  modelsCommands(program);
  expectationsCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
}
