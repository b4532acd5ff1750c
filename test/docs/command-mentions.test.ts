import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../src/cli/main';
import { closest } from '../../src/util/did-you-mean';

/*
 * Every `sluice <words…>` in a code span or code block of README.md and docs/*.md must name a real
 * command and only its real flags. The command tree is the CLI's own (buildProgram, in-process),
 * so a renamed command or a removed flag fails here until the docs follow.
 */

const REPO = path.resolve(__dirname, '../..');

interface Mention {
  readonly file: string;
  readonly line: number;
  /** What follows `sluice`, up to the end of the command (a comment, a pipe, the span's end). */
  readonly words: string;
}

/*
 * `sluice` as a command word: not part of a path, a name or a schema (`.sluice/`, `sluice_project.yml`,
 * `sluice.seed`, `'sluice:model …'`), and followed by a word.
 */
const COMMAND = /(?<![\w./:-])sluice(?=[ \t\n]+[\w<[-])/g;
// Where a command in a line of shell (or a code span) ends.
const END = /`|\s#|\s\/\/|\s\|\s|&&|;|$/;

function mentionsIn(text: string, file: string, firstLine: number, out: Mention[]): void {
  for (const m of text.matchAll(COMMAND)) {
    const rest = text.slice(m.index + m[0].length);
    const line = firstLine + (text.slice(0, m.index).match(/\n/g)?.length ?? 0);
    out.push({ file, line, words: rest.slice(0, rest.search(END)).replace(/\s+/g, ' ').trim() });
  }
}

/** The mentions of one Markdown file: every line of a fenced block, every inline code span. */
function mentions(file: string, markdown: string): Mention[] {
  const out: Mention[] = [];
  const lines = markdown.split('\n');
  let fence: string | undefined;
  // A paragraph (or table) of prose, where code spans may run across line breaks.
  let para: { start: number; lines: string[] } | undefined;
  const endParagraph = () => {
    if (!para) return;
    const text = para.lines.join('\n').replace(/\\\|/g, '|'); // a table cell's escaped pipe
    for (const span of text.matchAll(/(`+)([\s\S]*?[^`])\1(?!`)/g)) {
      const before = text.slice(0, span.index + span[1].length);
      mentionsIn(span[2], file, para.start + (before.match(/\n/g)?.length ?? 0), out);
    }
    para = undefined;
  };
  lines.forEach((line, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker?.startsWith(fence)) fence = undefined;
      else mentionsIn(line, file, i + 1, out);
      return;
    }
    if (marker) {
      endParagraph();
      fence = marker;
    } else if (!line.trim()) endParagraph();
    else (para ??= { start: i + 1, lines: [] }).lines.push(line);
  });
  endParagraph();
  return out;
}

const findOption = (cmd: Command, flag: string): Option | undefined =>
  cmd.options.find((o) => o.long === flag || o.short === flag);

/**
 * What is wrong with one mention against the command tree, or undefined. Placeholders (`<dag>`,
 * `S`, `…`) stand for values; one where a subcommand is expected (`sluice <command> --help`)
 * stands for any command, so the rest is not checked.
 */
function problem(program: Command, words: string): string | undefined {
  const tokens = words
    .replace(/'[^']*'|"[^"]*"/g, ' VALUE ') // quoted arguments: one value each
    .split(' ')
    .map((t) => t.replace(/^[[(]+|[\]),.:]+$/g, ''))
    .filter((t) => t && t !== '/');
  let cmd = program;
  let path = 'sluice';
  let positionals = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.startsWith('-')) {
      for (const flag of token.split('|')) {
        const name = /^--?[A-Za-z][\w-]*/.exec(flag)?.[0];
        if (!name || name === '--help' || name === '-h') continue;
        const option = findOption(cmd, name);
        if (!option) {
          const known = cmd.options.map((o) => o.long ?? o.short ?? '');
          const hint = closest(name, known);
          return `\`${path}\` has no option ${name}${hint ? ` (did you mean ${hint}?)` : ''}; it takes ${known.join(', ') || 'none'}`;
        }
        // Skip its value(s): a variadic option takes words up to the next flag.
        if ((option.required || option.optional) && !flag.includes('=')) {
          if (option.variadic) while (i + 1 < tokens.length && !tokens[i + 1].startsWith('-')) i++;
          else i++;
        }
      }
      continue;
    }
    if (positionals === 0 && cmd.commands.length) {
      const sub = cmd.commands.find((c) => c.name() === token || c.aliases().includes(token));
      if (sub) {
        cmd = sub;
        path += ` ${token}`;
        continue;
      }
      if (/^(<.*>|…|\.\.\.)$/.test(token)) return undefined;
      if (!cmd.registeredArguments.length) {
        const names = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
        const hint = closest(token, names);
        return `\`${path}\` has no command "${token}"${hint ? ` (did you mean "${hint}"?)` : ''}; it has ${names.join(', ')}`;
      }
    }
    positionals++;
    const args = cmd.registeredArguments;
    if (positionals > args.length && !args.at(-1)?.variadic)
      return `\`${path}\` takes ${args.length ? `only ${args.map((a) => a.name()).join(', ')}` : 'no arguments'}, not "${token}"`;
  }
  return undefined;
}

function problems(program: Command, found: readonly Mention[]): string[] {
  return found.flatMap((m) => {
    const why = problem(program, m.words);
    return why ? [`${m.file}:${m.line}: \`sluice ${m.words}\`: ${why}`] : [];
  });
}

const program = buildProgram();
const DOCS = [
  'README.md',
  ...readdirSync(path.join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

test('the checker finds mentions in spans, across lines and in code blocks, and names the bad ones', () => {
  const markdown = [
    'Run `sluice dags test demo --date 2026-03-01` or `sluice runs show <dag>',
    '<run_id> --json`, not `sluice dags lst` nor `sluice_project.yml` or `.sluice/lake`.',
    '',
    '| `sluice sql "<query>" [--json\\|--csv]` | `sluice models run --select a b --vars \'{"k": 1}\' --threads 2` |',
    '',
    '```sh',
    '$ npx sluice seed countries --full-refresh   # comment --not-a-flag',
    'sluice models run stg_orders',
    'sluice tasks logs shop check_raw --folow | head',
    '```',
  ].join('\n');
  const found = mentions('x.md', markdown);
  expect(found.map((m) => [m.line, m.words])).toEqual([
    [1, 'dags test demo --date 2026-03-01'],
    [1, 'runs show <dag> <run_id> --json'],
    [2, 'dags lst'],
    [4, 'sql "<query>" [--json|--csv]'],
    [4, `models run --select a b --vars '{"k": 1}' --threads 2`],
    [7, 'seed countries --full-refresh'],
    [8, 'models run stg_orders'],
    [9, 'tasks logs shop check_raw --folow'],
  ]);
  // The lists of what exists come from the CLI, so only the start of each message is fixed here.
  const got = problems(program, found);
  expect(got).toHaveLength(3);
  expect(got[0]).toMatch(
    /^x\.md:2: `sluice dags lst`: `sluice dags` has no command "lst" \(did you mean "list"\?\); it has .*\btest\b/,
  );
  expect(got[1]).toMatch(
    /^x\.md:8: `sluice models run stg_orders`: `sluice models run` takes no arguments, not "stg_orders"$/,
  );
  expect(got[2]).toMatch(
    /^x\.md:9: `sluice tasks logs shop check_raw --folow`: `sluice tasks logs` has no option --folow \(did you mean --follow\?\); it takes .*--try/,
  );
});

test('every `sluice …` command in README.md and docs/*.md is a real command with real flags', () => {
  const found = DOCS.flatMap((f) => mentions(f, readFileSync(path.join(REPO, f), 'utf8')));
  expect(found.length).toBeGreaterThan(0);
  expect(problems(program, found)).toEqual([]);
});
