import type { DagStructure } from '../dag/serialized-dag';

/** One import problem of a DAG file; `line` is null when it cannot be known (a timeout). */
export interface ImportIssue {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly code:
    'SYNTAX' | 'IMPORT_THREW' | 'DAG_INVALID' | 'NOT_EXPORTED' | 'TIMEOUT' | 'DUPLICATE_DAG_ID' | 'CRASHED';
  readonly message: string;
}

export interface ParseResult {
  readonly file: string;
  readonly dags: DagStructure[];
  readonly issues: ImportIssue[];
  readonly ms: number;
  /** Other files and folders the file's DAGs were built from (see src/dag/parse-dependencies.ts). */
  readonly inputs?: readonly string[];
}
