import path from 'node:path';

/*
 * Files and folders a DAG's shape was read from besides its own file: an operator that reads a
 * project when the DAG is defined (models in sql/, suites in expectations/) names them here, and
 * the DAG file is parsed again when any of them changes (a new model becomes a new task).
 */
const inputs = new Set<string>();

export function dependOn(...paths: string[]): void {
  for (const p of paths) inputs.add(path.resolve(p));
}

/** The inputs named since the last call (the parser takes them around each file). */
export function takeInputs(): string[] {
  const out = [...inputs].sort();
  inputs.clear();
  return out;
}
