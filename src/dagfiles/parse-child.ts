/**
 * Child process that imports DAG files for the parser pool. Importing runs user code, so it
 * happens here: a throw becomes an import error, a hang is killed by the parent's timeout.
 */
import path from 'node:path';
import { serializeDag, type DagStructure } from '../dag/serialized-dag';
import type { Config } from '../config/config';
import { setOperatorConfig } from '../dag/operator-config';
import type { Dag } from '../dag/types';
import { issuesFromError } from './error-location';
import type { ParseResult } from './parse-result';
import { takeInputs } from '../dag/parse-dependencies';
import { collectDefinedDags, takeDefinedDags } from '../dag/defined-dags';
import { exportIssues } from './export-issues';
import { beginTaskSecrets } from '../secrets/task-secrets';
import { maskedIssue, maskedStructure } from './masked-structure';

export interface ParseRequest {
  readonly id: number;
  readonly file: string;
  readonly root: string;
  /** The parent's resolved configuration, for operators; without it they resolve the environment. */
  readonly config?: Config;
}

export function dagsOf(mod: Record<string, unknown> | undefined): Dag[] {
  const seen = new Set<unknown>();
  return Object.values(mod ?? {}).filter((v): v is Dag => {
    if (!v || (v as Dag).kind !== 'sluice.dag' || seen.has(v)) return false;
    seen.add(v);
    return true;
  });
}

/** Forget every module under `root`, so edited DAG files and their helpers are read afresh. */
export function forgetModules(root: string): void {
  const prefix = path.resolve(root) + path.sep;
  for (const key of Object.keys(require.cache)) if (key.startsWith(prefix)) delete require.cache[key];
}

export function parseFile(file: string, root: string): ParseResult {
  const started = performance.now();
  forgetModules(root);
  takeInputs();
  collectDefinedDags();
  // Secrets the file resolves while imported are masked in what is stored of it (this file's only).
  beginTaskSecrets();
  try {
    const mod: unknown = require(file);
    const exported = dagsOf(mod as Record<string, unknown>);
    const issues = exportIssues(file, mod, exported, takeDefinedDags());
    const dags: DagStructure[] = exported.map((d) => maskedStructure(serializeDag(d)));
    return { file, dags, issues: issues.map(maskedIssue), ms: performance.now() - started, inputs: takeInputs() };
  } catch (e) {
    takeDefinedDags();
    // A DAG that failed on a bad model or suite is parsed again once that file is fixed.
    const issues = issuesFromError(file, e).map(maskedIssue);
    return { file, dags: [], issues, ms: performance.now() - started, inputs: takeInputs() };
  }
}

if (require.main === module || process.env.SLUICE_PARSE_CHILD === '1') {
  // Node keeps 10 frames: an import failing in a helper's helper lost the DAG file's own frame (its line).
  Error.stackTraceLimit = 50;
  process.on('message', (req: ParseRequest) => {
    if (req.config) setOperatorConfig(req.config);
    process.send!({ id: req.id, result: parseFile(req.file, req.root) });
  });
  // Unhandled async errors from a DAG file's top level must not kill the pool member silently.
  process.on('unhandledRejection', () => undefined);
}
