import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main';

/*
 * commander appends `(default: x)` to an option that has a default value, so a description that
 * says it too prints the default twice in --help (`rows to show (default: 5) (default: 5)`).
 */
function commands(cmd: Command, prefix: string): Array<{ name: string; cmd: Command }> {
  const name = `${prefix} ${cmd.name()}`.trim();
  return [{ name, cmd }, ...cmd.commands.flatMap((c) => commands(c, name))];
}

test('no option with a default value names a default in its description', () => {
  const twice = commands(buildProgram(), '').flatMap(({ name, cmd }) =>
    cmd.options
      .filter((o) => o.defaultValue !== undefined && /default/i.test(o.description))
      .map((o) => `${name} ${o.flags}: ${o.description}`),
  );
  expect(twice).toEqual([]);
});
