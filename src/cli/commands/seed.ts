import type { Command } from 'commander';
import { seedProject } from '../../actions/seed';
import { warehouseOf } from '../../warehouse/database-warehouse';
import { config, withRuntime } from '../context';
import { json } from '../output';

export function seedCommand(program: Command): void {
  program
    .command('seed [names...]')
    .description('load the CSVs in seeds/ as tables (only those whose file changed); as dbt seed')
    .option('--full-refresh', 'load every selected seed, changed or not')
    .option('--json', 'machine-readable output')
    .action(async (names: string[], o: { fullRefresh?: boolean; json?: boolean }) => {
      const cfg = config();
      const results = await withRuntime(
        cfg,
        (rt) =>
          seedProject(warehouseOf(rt.db), cfg.projectRoot, {
            select: names.length ? names : undefined,
            fullRefresh: o.fullRefresh,
            onSeed: (s) => {
              if (!o.json) console.log(`${s.status.padEnd(9)} ${s.relation} (${s.rows} rows) from ${s.path}`);
            },
          }),
        { announce: !o.json },
      );
      if (o.json) return void console.log(json(results));
      const count = (s: string) => results.filter((r) => r.status === s).length;
      console.log(`\n${count('created')} created, ${count('replaced')} replaced, ${count('unchanged')} unchanged`);
    });
}
