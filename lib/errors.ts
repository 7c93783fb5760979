/**
 * One error family for everything a user can be told about. Route handlers map these to HTTP in one
 * place (lib/http.ts); anything else is a bug: logged, and answered with a generic 500.
 */
export type ErrorCode =
  | 'validation'
  /** a request that is well-formed but picks nothing to act on (a selector matching no host) */
  | 'empty_selection'
  | 'not_found'
  | 'conflict'
  | 'host_key_unknown'
  | 'host_key_mismatch'
  | 'unreachable'
  | 'auth_failed'
  | 'forwarding_refused'
  | 'remote_failed'
  | 'tool_unavailable'
  | 'rate_limited'
  | 'unauthenticated'
  | 'forbidden';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** extra, safe-to-show details (never secrets) */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const conflict = (msg: string, details?: Record<string, unknown>) => new AppError('conflict', msg, details);
export const invalid = (msg: string, details?: Record<string, unknown>) => new AppError('validation', msg, details);

export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation: 422,
  empty_selection: 400,
  not_found: 404,
  conflict: 409,
  host_key_unknown: 409,
  host_key_mismatch: 409,
  unreachable: 502,
  auth_failed: 502,
  forwarding_refused: 502,
  remote_failed: 502,
  tool_unavailable: 409,
  rate_limited: 429,
  unauthenticated: 401,
  forbidden: 403,
};
