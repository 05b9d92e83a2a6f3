// Errors are a closed set. Every failure that reaches a client has one of
// these codes; the table maps each to its HTTP status, and the compiler checks
// that no code is missing. Messages are written for people and never carry
// the offending values (hashes, secrets, contacts, URLs).

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  /** Also "forbidden": whether something exists never leaks. */
  | 'not_found'
  /** Refused by a deployment rule the client can know about (e.g. media of minors). */
  | 'not_permitted'
  | 'conflict'
  | 'idempotency_mismatch'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'unavailable'
  | 'internal';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  not_found: 404,
  not_permitted: 403,
  conflict: 409,
  idempotency_mismatch: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  bad_request: 'the request is malformed',
  validation_failed: 'the request does not match the expected shape',
  unauthorized: 'authentication required or not recognised',
  not_found: 'not found',
  not_permitted: 'not permitted',
  conflict: 'the request conflicts with the current state',
  idempotency_mismatch: 'this Idempotency-Key was already used with another request',
  payload_too_large: 'the request is too large',
  unsupported_media_type: 'unsupported content type',
  too_many_requests: 'too many requests; try again later',
  unavailable: 'the service is temporarily unavailable',
  internal: 'an internal error occurred',
};

/** Where a request failed validation: a path and a sentence, never the value. */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

export interface AppErrorOptions {
  readonly details?: readonly ErrorDetail[];
  readonly retryAfterSeconds?: number;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;
  readonly details: readonly ErrorDetail[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string = DEFAULT_MESSAGES[code],
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.status = HTTP_STATUS[code];
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The body every error response has. */
  toBody(): { error: { code: ErrorCode; message: string; details?: readonly ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}
