// Configuration, parsed once at start from the environment, validated and
// typed. Every bad variable is reported at once, and the process does not
// start on a half-valid configuration.

import { resolve } from 'node:path';
import { z } from 'zod';

export const ROLES = ['api', 'worker', 'monitor'] as const;
export type Role = (typeof ROLES)[number];

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DISRUPT_DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DISRUPT_ROLES: z
    .string()
    .default(ROLES.join(','))
    .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
    .pipe(z.array(z.enum(ROLES)).min(1)),
  DISRUPT_MASTER_KEY: z
    .string()
    .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes in base64')
    .optional(),
  DISRUPT_ALLOW_MINOR_MEDIA: bool.default(false),
  DISRUPT_MEDIA_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  DISRUPT_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).default(100 * 1024 * 1024),
  DISRUPT_TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  readonly database: { readonly kind: 'pglite'; readonly dataDir: string } | { readonly kind: 'postgres'; readonly url: string };
  /** Always set: media, the lock and (embedded) the master key live here. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly roles: readonly Role[];
  /** From DISRUPT_MASTER_KEY; null means the key file in the data folder. */
  readonly masterKey: Uint8Array | null;
  readonly allowMinorMedia: boolean;
  readonly mediaRetentionDays: number;
  readonly maxUploadBytes: number;
  readonly trustProxy: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly errors: readonly string[] };

/** Reads the configuration; on failure, one sentence per bad variable (names, never values). */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`) };
  }
  const v = parsed.data;
  const dataDir = resolve(v.DISRUPT_DATA_DIR);
  return {
    ok: true,
    config: {
      database: v.DATABASE_URL ? { kind: 'postgres', url: v.DATABASE_URL } : { kind: 'pglite', dataDir },
      dataDir,
      host: v.HOST,
      port: v.PORT,
      roles: v.DISRUPT_ROLES,
      masterKey: v.DISRUPT_MASTER_KEY ? new Uint8Array(Buffer.from(v.DISRUPT_MASTER_KEY, 'base64')) : null,
      allowMinorMedia: v.DISRUPT_ALLOW_MINOR_MEDIA,
      mediaRetentionDays: v.DISRUPT_MEDIA_RETENTION_DAYS,
      maxUploadBytes: v.DISRUPT_MAX_UPLOAD_BYTES,
      trustProxy: v.DISRUPT_TRUST_PROXY,
      logLevel: v.LOG_LEVEL,
    },
  };
}
