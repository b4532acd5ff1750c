/** Operators: factory functions that return plain task definitions (`import { bashOperator } from 'sluice/operators'`). */
export { bashOperator } from './bash';
export type { BashOperatorSpec } from './bash';
