import type { ErrorCode } from '../errors/errors';

/** The HTTP status of each error code: a user's mistake is a 4xx with the message, never a stack trace. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  CONFIG_INVALID: 400,
  DAG_INVALID: 400,
  CHECK_INVALID: 400,
  INPUT_MALFORMED: 400,
  QUERY_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  DAG_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  STATE_CONFLICT: 409,
  RATE_LIMITED: 429,
  DATABASE_UNAVAILABLE: 503,
};

export function httpStatus(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}
