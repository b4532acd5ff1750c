/** Small model projects written to temp folders, and helpers to look at the errors they give. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Issue, ValidationError } from '../../src/errors/errors';
import type { RunContext } from '../../src/models/types';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (paths relative to the project root, e.g. `sql/staging/a.sql`) into a new temp folder. */
export function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-models-'));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

export function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

/** Issues as `file:line:column message` strings, the way a user reads them. */
export function issueLines(e: { issues: readonly Issue[] }): string[] {
  return e.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.message}`);
}

export const CTX: RunContext = {
  ds: '2026-03-01',
  dataIntervalStart: new Date('2026-03-01T00:00:00Z'),
  dataIntervalEnd: new Date('2026-03-02T00:00:00Z'),
  vars: {},
};

export const withVars = (vars: RunContext['vars']): RunContext => ({ ...CTX, vars });
