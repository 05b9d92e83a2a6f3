// Errors are a closed set. Every failure that reaches a client has one of
// these codes; the table maps each to its HTTP status, and the compiler checks
// that no code is missing. Messages are written for people and never carry
// the offending values (hashes, secrets, contacts, URLs): they are sent to
// the client as they are.
//
// This module is plain TypeScript (no Fastify, no zod) so that domain
// services can throw AppError without depending on the HTTP layer; the one
// place that turns anything thrown into a response is http/app.ts.

export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  // Also "forbidden": a resource the caller may not see answers exactly as a
  // missing one, so that whether a case exists never leaks.
  'not_found',
  // Refused by a deployment rule the client is meant to know about (e.g. media
  // of minors); never used to hide a resource's existence.
  'not_permitted',
  'conflict',
  // Same Idempotency-Key, different request: 422, so that a client's retry
  // logic (which retries 409/5xx) does not loop on it.
  'idempotency_mismatch',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  // Sign-in for one account or case is paused after too many failures,
  // whoever asks and whatever they type; the message says until when, and
  // Retry-After how long. Also for an e-mail address or case number that does
  // not exist: the pause must not tell which do.
  'sign_in_paused',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The status of each code. A `Record` so that adding a code without a status does not compile. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  not_permitted: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_mismatch: 422,
  too_many_requests: 429,
  sign_in_paused: 429,
  internal: 500,
  unavailable: 503,
};

const DEFAULT_MESSAGES: Readonly<Record<ErrorCode, string>> = {
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
  sign_in_paused: 'sign-in is paused after too many failed attempts; try again later',
  unavailable: 'the service is temporarily unavailable',
  internal: 'an internal error occurred',
};

/**
 * Where a request failed validation: a path (`body.items.3.value`) and a
 * sentence. There is deliberately no field for the value: echoing a submitted
 * hash or contact back would put it in proxies' and browsers' logs.
 */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly details?: readonly ErrorDetail[] };
}

export interface AppErrorOptions {
  readonly details?: readonly ErrorDetail[];
  /** Sent as Retry-After (whole seconds, at least 1) — for too_many_requests and unavailable. */
  readonly retryAfterSeconds?: number;
  /** The underlying failure, for the logs only (its stack, never its message); never sent to the client. */
  readonly cause?: unknown;
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
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = HTTP_STATUS[code];
    this.details = options.details;
    // A computed wait can come out as 0 or fractional; Retry-After takes whole
    // seconds, and "0" would invite an immediate retry storm.
    this.retryAfterSeconds = options.retryAfterSeconds === undefined || !Number.isFinite(options.retryAfterSeconds) ? undefined : Math.max(1, Math.ceil(options.retryAfterSeconds));
  }

  /** The body every error response has. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details && this.details.length > 0 ? { details: this.details } : {}) } };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The message a code carries when the thrower gave none (and the only one `internal` ever shows). */
export function defaultMessage(code: ErrorCode): string {
  return DEFAULT_MESSAGES[code];
}
