import type { Command } from 'commander';
import { runSql } from '../../actions/run-sql';
import { config, withRuntime } from '../context';
import { printRows, rowLimit, rowsFormat } from '../output';

export function sqlCommand(program: Command): void {
  program
    .command('sql')
    .description('run one read-only query on the warehouse (embedded included) and print its rows')
    .argument('<query>', 'one SQL statement, quoted; it runs in a READ ONLY transaction')
    .option('--limit <n>', 'print at most n rows (default: all)', rowLimit)
    .option('--json', 'rows as a JSON array of objects')
    .option('--csv', 'rows as CSV with a header line')
    .action(async (query: string, o: { limit?: number; json?: boolean; csv?: boolean }) => {
      const format = rowsFormat(o);
      const result = await withRuntime(config(), (rt) => runSql(rt.db, query, o.limit));
      printRows(result, format, o.limit);
    });
}
