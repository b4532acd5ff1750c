import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV_VARS } from '../../src/config/config';

// ENV_VARS is the one list of settings and their defaults (resolveConfig and --help read it); the README shows it.
test("the README's configuration table lists exactly ENV_VARS' names and defaults, in its order", () => {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## Configuration\n'),
    readme.indexOf('\n## ', readme.indexOf('\n## Configuration\n') + 1),
  );
  const rows = [...section.matchAll(/^\| `(\w+)` +\|.*\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]);
  // A value is written as code; a description of one ("(none)") as it is.
  const expected = ENV_VARS.map(([name, , fallback]) => [
    name,
    fallback.startsWith('(') ? fallback : `\`${fallback}\``,
  ]);
  expect(rows).toEqual(expected);
});
