/** Operators: factory functions that return plain task definitions (`import { bashOperator } from 'sluice/operators'`). */
export { bashOperator } from './bash';
export type { BashOperatorSpec } from './bash';
export { filesToLake } from './files-to-lake';
export type { FilesToLakeSpec } from './files-to-lake';
export { httpToLake } from './http-to-lake';
export type { HttpToLakeSpec } from './http-to-lake';
export { postgresToLake } from './postgres-to-lake';
export type { PostgresToLakeSpec } from './postgres-to-lake';
export { loadToRaw } from './load-to-raw';
export type { LoadToRawSpec } from './load-to-raw';
export { waitForObjects } from './wait-for-objects';
export { sqlModels } from './sql-models';
export { checkpoint } from './checkpoint';
export type { CheckpointSpec } from './checkpoint';
export type { SqlModelsSpec } from './sql-models';
export type { WaitForObjectsSpec } from './wait-for-objects';
export type { LandTarget } from './land';
export type { EnvSecret } from './secrets';
