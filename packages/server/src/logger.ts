// Logs carry no sensitive data. Redaction happens here, at the logger, for
// every line whoever writes it: bodies, credentials, contacts, hashes, URLs.
// Request lines carry the route pattern (never the raw URL), the status and
// the duration — never the client's address or user agent.

import { type DestinationStream, type Logger, pino } from 'pino';

const SENSITIVE_FIELDS = [
  'secret',
  'secretHash',
  'token',
  'password',
  'totp',
  'contact',
  'email',
  'description',
  'hash',
  'value',
  'pdq',
  'md5',
  'vpdq',
  'url',
  'key',
  'apiKey',
  'body',
  'items',
  'ip',
];

const SENSITIVE_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-case-secret', 'idempotency-key', 'ocp-apim-subscription-key', 'x-functions-key', 'x-api-key'];

/** Paths pino redacts: each field at the top level and up to three levels down, and the headers. */
export const REDACT_PATHS: string[] = [
  ...SENSITIVE_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]),
  ...SENSITIVE_HEADERS.flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // No pid/hostname noise; timestamps as ISO for operators.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        // Errors: their class and stack frames, not their message, which may
        // quote a value (a SQL error quoting a hash, a URL in a fetch error).
        err: (error: unknown) => {
          if (!(error instanceof Error)) return { type: typeof error };
          const frames = (error.stack ?? '').split('\n').slice(1).join('\n');
          return { type: error.name, code: (error as { code?: unknown }).code, stack: frames };
        },
      },
    },
    options.destination,
  );
}

export type { Logger };
