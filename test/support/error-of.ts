import type { ValidationError } from '../../src/index';

/** The validation error `fn` throws (a test fails when it throws none). */
export const errorOf = (fn: () => unknown): ValidationError => {
  try {
    fn();
  } catch (e) {
    return e as ValidationError;
  }
  throw new Error('expected a validation error');
};
