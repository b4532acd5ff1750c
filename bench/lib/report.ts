/** Writing benchmark results: a section of docs/benchmarks.md, and a table on stdout. */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Table from 'cli-table3';

export const DOC = path.resolve(__dirname, '..', '..', 'docs', 'benchmarks.md');

const PREAMBLE = `# Benchmarks

Measured with \`npm run bench\` (all suites) or \`npm run bench -- <suite>\`. Each suite rewrites its own
section below and leaves the others alone.
`;

/** Replaces the `## <title>` section of docs/benchmarks.md (up to the next `## ` heading), or appends it. */
export function writeSection(title: string, body: string, file = DOC): void {
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : PREAMBLE;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  let out: string;
  if (start < 0) {
    out = `${text.trimEnd()}\n\n${section}`;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end < 0) end = lines.length;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    out = `${before}\n\n${section}${after ? `\n${after}\n` : ''}`;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, out);
}

/** A GitHub-flavoured markdown table. */
export function markdownTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function printTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const t = new Table({
    head: [...head],
    wordWrap: true,
    colWidths: head.map((_, i) => (i === 0 ? 28 : i === head.length - 1 ? 8 : 26)),
  });
  for (const r of rows) t.push([...r]);
  process.stdout.write(`${t.toString()}\n`);
}

/** One line describing where the numbers were taken. */
export function machineLine(extra = ''): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const day = new Date().toISOString().slice(0, 10);
  return (
    `Measured ${day} on ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ` +
    `Node ${process.version}, ${os.type()} ${os.release()}${extra ? `, ${extra}` : ''}.`
  );
}
