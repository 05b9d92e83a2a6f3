// Logs carry no sensitive data. Redaction happens here, at the logger, for
// every line whoever writes it: bodies, credentials, contacts, hashes, URLs.
// Logs are copied to collectors, kept for months and read by people who are
// not analysts, so a victim's hash or contact in a log line is a leak.
//
// Request lines (written by http/app.ts) carry the route pattern, never the
// raw URL; the status and the duration — never the client's address or user
// agent, because no IP address of a victim is ever stored.
//
// What redaction cannot catch: values interpolated into the message string
// (`log.info('case %s', x)`) and values under a key that is not listed here.
// Put data in the object, under a listed key, or better, don't log it.

import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import type { LogLevel } from './config.ts';

/** Field names whose values never reach a log, at any depth redaction reaches. */
export const SENSITIVE_FIELDS: readonly string[] = [
  // credentials
  'secret',
  'secretHash',
  'password',
  'passwordHash',
  'totp',
  'key',
  'apiKey',
  'token',
  'authorization',
  'cookie',
  // victims' personal data
  'contact',
  'email',
  'description',
  'filename',
  'ip',
  'remoteAddress',
  'userAgent',
  // fingerprints and where the content is
  'hash',
  'hashes',
  'value',
  'pdq',
  'md5',
  'vpdq',
  'url',
  'urls',
  'items',
  // whatever a client sent or was sent: bodies are redacted whole
  'body',
  'payload',
  'query',
];

/** Request and response headers that carry credentials, idempotency keys (derived from bodies) or the client's identity. */
export const SENSITIVE_HEADERS: readonly string[] = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-case-secret',
  'idempotency-key',
  'ocp-apim-subscription-key',
  'x-functions-key',
  'x-api-key',
  'x-csrf-token',
  'user-agent',
  'x-forwarded-for',
  'x-real-ip',
  'forwarded',
];

/**
 * How deep wildcard paths reach: `f`, `*.f`, `*.*.f`, `*.*.*.f`, `*.*.*.*.f`.
 * pino has no "any depth" wildcard; each level is one more path to check on
 * every line, and bodies — where deep data lives — are redacted whole.
 */
const WILDCARD_DEPTH = 4;

function atEveryDepth(name: string): string[] {
  const leaf = /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`;
  const paths: string[] = [];
  for (let depth = 0; depth <= WILDCARD_DEPTH; depth++) {
    const prefix = Array.from({ length: depth }, () => '*').join('.');
    paths.push(depth === 0 ? leaf.replace(/^\./, '') : `${prefix}${leaf}`);
  }
  return paths;
}

/** Paths pino redacts: each sensitive field and header name at the top level and up to four levels down. */
export const REDACT_PATHS: readonly string[] = [...new Set([...SENSITIVE_FIELDS, ...SENSITIVE_HEADERS].flatMap(atEveryDepth))];

export const REDACTED = '[redacted]';

/** What an error contributes to a log line. */
export interface SerializedError {
  readonly type: string;
  readonly code?: string;
  readonly stack: string;
  readonly cause?: SerializedError;
}

const MAX_CAUSE_DEPTH = 3;

/**
 * Errors: their class, a short code (a PostgreSQL SQLSTATE, a Fastify code)
 * and their stack frames — never their message nor their other properties,
 * which quote values (a unique violation quoting a hash, a fetch error
 * quoting a URL, pg's `detail`). Only the `at …` lines of the stack are kept
 * because its first lines are the message, however many lines that takes.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { type: typeof error, stack: '' };
  const rawCode = (error as { code?: unknown }).code;
  const code = (typeof rawCode === 'string' || typeof rawCode === 'number') && /^[\w.-]{1,64}$/.test(String(rawCode)) ? String(rawCode) : undefined;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  return {
    type: error.name.slice(0, 100),
    ...(code === undefined ? {} : { code }),
    stack: frames,
    ...(error.cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}

interface RequestLike {
  readonly method?: unknown;
  readonly routeOptions?: { readonly url?: unknown };
}

/**
 * The serializers Fastify's per-request loggers use (`req`, `res`, `err`):
 * a request is its method and route pattern — no URL, address, headers or
 * user agent; a response is its status.
 */
export const logSerializers = {
  req: (request: RequestLike) => ({
    method: typeof request.method === 'string' ? request.method : undefined,
    route: typeof request.routeOptions?.url === 'string' ? request.routeOptions.url : undefined,
  }),
  res: (reply: { readonly statusCode?: unknown }) => ({ status: typeof reply.statusCode === 'number' ? reply.statusCode : undefined }),
  err: (error: unknown) => serializeError(error),
} as const satisfies NonNullable<LoggerOptions['serializers']>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export interface LoggerSettings {
  readonly level: LogLevel;
  /** Where lines go (default stdout); tests pass a stream that captures them. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerSettings): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      // No pid/hostname: the host name can name a person's machine in small deployments.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: logSerializers,
      hooks: {
        // pino copies an error's message into the line's `msg` when no message
        // is given (`log.error(err)`, `log.error({ err })`); the message may
        // quote a value, so the error's class is used instead.
        logMethod(args, method) {
          const [first, second] = args as unknown[];
          if (first instanceof Error) {
            const message = typeof second === 'string' ? second : first.name;
            method.apply(this, [{ err: first }, message]);
            return;
          }
          if (isRecord(first) && first.err instanceof Error && typeof second !== 'string' && first.msg === undefined) {
            method.apply(this, [first, first.err.name]);
            return;
          }
          method.apply(this, args);
        },
      },
    },
    options.destination,
  );
}

export type { Logger, LogLevel };
