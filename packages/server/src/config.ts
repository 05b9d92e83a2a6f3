// Configuration, parsed once at start from the environment, validated and
// typed. Every bad variable is reported at once (an operator fixing a
// deployment should not discover problems one restart at a time), and the
// process does not start on a half-valid configuration.
//
// Error messages name the variable and say what was expected, never what was
// given: DATABASE_URL carries a password and DISRUPT_MASTER_KEY is the key
// that protects every victim's media, so neither may end up in a terminal
// scroll-back or a log collector.

import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseRange } from './net/address-policy.ts';

export const ROLES = ['api', 'worker', 'monitor'] as const;
export type Role = (typeof ROLES)[number];

/** pino's levels; `silent` for commands whose output is their result (CLI). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** The most helplines the portal shows, from the configuration or the console. */
export const MAX_HELPLINES = 20;
const MASTER_KEY_BYTES = 32;

export interface Config {
  /** Embedded PGlite in the data folder unless DATABASE_URL names a PostgreSQL server. */
  readonly database: { readonly kind: 'pglite'; readonly dataDir: string } | { readonly kind: 'postgres'; readonly url: string };
  /** Absolute. Always set, even with PostgreSQL: media, the lock and (embedded) the master key live here. */
  readonly dataDir: string;
  readonly host: string;
  /** 0 lets the system choose (tests). */
  readonly port: number;
  /** Which parts of the program this process runs; never empty, no duplicates. */
  readonly roles: readonly Role[];
  /** From DISRUPT_MASTER_KEY (32 bytes); null means the key file in the data folder. */
  readonly masterKey: Uint8Array | null;
  /** Absolute. Where the audit log's head is anchored, a file per anchor, outside the database (see audit/audit-anchor.ts). */
  readonly auditAnchorDir: string;
  /** Media of minors is refused unless the hotline has a legal mandate to review it. */
  readonly allowMinorMedia: boolean;
  /** Unreviewed media is deleted after this many days. */
  readonly mediaRetentionDays: number;
  readonly maxUploadBytes: number;
  /**
   * Which proxies' X-Forwarded-For to believe, as Fastify's trustProxy takes
   * it: false (none: the socket's address is the client), a number of hops
   * (the client is that many entries from the right), the proxies' addresses
   * or CIDR ranges, or true (every hop: the left-most entry, which the client
   * writes itself — never for rate limiting; the server warns at start).
   */
  readonly trustProxy: TrustProxy;
  /** Sign-in pauses per target and request budgets per client (throttle/). */
  readonly throttle: ThrottleConfig;
  readonly logLevel: LogLevel;
  /** Who sends takedown notices: named in every notice, with the address hosts answer to. */
  readonly hotline: { readonly name: string; readonly email: string };
  /** SMTP server for notices (smtp:// or smtps://, credentials in the URL); null: notices wait in an outbox. */
  readonly smtpUrl: string | null;
  /** Address ranges the URL checker may fetch although they are not public (CIDR); empty in production. */
  readonly fetchAllow: readonly string[];
  /** Partner webhooks may use plain http:// URLs and private or loopback hosts (tests, private networks); https to public hosts only otherwise. */
  readonly partnerWebhookAllowHttp: boolean;
  /** Requests a minute per key for partners created without their own limit. */
  readonly partnerRateLimit: number;
  /** A hash is quarantined when this many NotBlocked answers… */
  readonly disputeMinNotBlocked: number;
  /** …come from at least this many partners, and no partner currently says Blocked. */
  readonly disputeMinPartners: number;
  /** Threads that match PDQ batches for partners, each holding a shard of the bank; 0: on the main thread. */
  readonly matchWorkers: number;
  /** The victim portal: what GET /api/portal/config tells it, and where its built files are. */
  readonly portal: PortalConfig;
  /** When the console suggests an analyst take a break (see GET /api/console/me). */
  readonly console: ConsoleConfig;
  /** The bearer token /metrics asks for; null: /metrics is not served (404). */
  readonly metricsToken: string | null;
}

export type TrustProxy = boolean | number | readonly string[];

/**
 * How hard guessing is made. Per target (a console account or a case number,
 * existing or not): `signInFailures` failures in a row pause its sign-in for
 * `signInPauseMinutes`, each failure after a pause doubles it (up to four
 * times). Per client address, far looser, so that a shelter, a school or a
 * carrier's NAT does not lock out everyone behind it: `signInPerClient`
 * sign-in attempts per 10 minutes on each door (an attempt that succeeds is
 * given back), and case openings per hour (`caseOpenPerClient`, and
 * `caseOpenTotal` from everyone together).
 */
export interface ThrottleConfig {
  readonly signInFailures: number;
  readonly signInPauseMinutes: number;
  readonly signInPerClient: number;
  readonly caseOpenPerClient: number;
  readonly caseOpenTotal: number;
}

/**
 * Looking at intimate images all day harms the people who do it. The console
 * suggests a break after this many reveals of originals in a day, or this
 * many minutes of continuous review, whichever comes first; it never blocks.
 */
export interface ConsoleConfig {
  readonly breakAfterReveals: number;
  readonly breakAfterMinutes: number;
}

/** A helpline the portal shows; `minors` lines are pointed to when the content shows a minor. */
export interface Helpline {
  readonly name: string;
  readonly phone?: string;
  readonly url?: string;
  readonly minors?: boolean;
  /** What the line is for, per language. */
  readonly text?: { readonly fr?: string; readonly en?: string };
}

export interface PortalConfig {
  readonly helplines: readonly Helpline[];
  /** Where the quick-exit button sends the victim: a neutral site. */
  readonly quickExitUrl: string;
  /** The portal's built files (vite build output); null: packages/web/dist. */
  readonly webDir: string | null;
}

/** France's lines. 3018 (e-Enfance) answers victims of cyber-violence, minors first; 119 for children in danger; 3919 for violence against women; 17 in an emergency. */
export const DEFAULT_HELPLINES: readonly Helpline[] = [
  { name: '3018', phone: '3018', url: 'https://e-enfance.org/numero-3018/', minors: true, text: { fr: 'Cyberharcèlement et violences numériques, gratuit et anonyme, 7 j/7', en: 'Online harassment and digital violence, free and anonymous, 7 days a week' } },
  { name: '119', phone: '119', minors: true, text: { fr: 'Enfance en danger, 24 h/24', en: 'Children in danger, 24 hours a day' } },
  { name: '3919', phone: '3919', text: { fr: 'Violences faites aux femmes, 24 h/24', en: 'Violence against women, 24 hours a day' } },
  { name: '17', phone: '17', text: { fr: 'Police secours, en cas de danger immédiat', en: 'Police, if you are in immediate danger' } },
];

/**
 * A result, not an exception: a bad configuration is an expected outcome that
 * the caller (server, CLI) reports in its own way.
 */
export type ConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly errors: readonly string[] };

// ---------------------------------------------------------------------------
// Parsers. Each refuses anything ambiguous (" 8080", "1e3", "0x50", "yes"):
// a setting that silently means something else than the operator thought is
// worse than one that stops the start.

function integer(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const postgresUrl = z.string().refine((s) => {
  if (!URL.canParse(s)) return false;
  const url = new URL(s);
  return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
});

/**
 * DISRUPT_TRUST_PROXY: true or false, a number of proxy hops, or the proxies'
 * addresses and CIDR ranges (the safe choice: a hop count also believes a
 * client that reaches the server directly). "1" is one hop: it meant "true"
 * before hop counts, and one hop is what a single reverse proxy needs without
 * letting clients choose their address, as "true" does.
 */
const trustProxy = z.union([
  z.enum(['true', 'false']).transform((v) => v === 'true'),
  integer(0, 100).transform((hops) => (hops === 0 ? false : hops)),
  z
    .string()
    .transform((s) => s.split(',').map((r) => r.trim()))
    .pipe(z.array(z.string().refine((r) => parseRange(r) !== null)).min(1)),
]);

const roles = z
  .string()
  .transform((s) => s.split(',').map((r) => r.trim()))
  // Empty entries ("api,,worker") are more likely a typo than a wish: refused.
  .pipe(z.array(z.enum(ROLES)).min(1))
  .transform((list) => [...new Set(list)]);

const smtpUrl = z.string().refine((s) => {
  if (!URL.canParse(s)) return false;
  const url = new URL(s);
  return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
});

const cidrList = z
  .string()
  .transform((s) => s.split(',').map((r) => r.trim()))
  .pipe(z.array(z.string().refine((r) => parseRange(r) !== null)).min(1));

/** One helpline, as DISRUPT_HELPLINES lists it (the console's editor is stricter: https only). */
export const helplineSchema = z
  .object({
    name: z.string().min(1).max(100),
    phone: z.string().regex(/^[0-9 +()-]{2,30}$/).optional(),
    url: z.url({ protocol: /^https?$/ }).max(500).optional(),
    minors: z.boolean().optional(),
    text: z.object({ fr: z.string().max(300).optional(), en: z.string().max(300).optional() }).strict().optional(),
  })
  .strict();

const helplines = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.array(helplineSchema).min(1).max(MAX_HELPLINES));

const httpUrl = z.url({ protocol: /^https?$/ }).max(500);

const masterKey = z
  .string()
  // Canonical base64 only: Buffer.from(…, 'base64') skips characters it does
  // not know, so a mangled key could otherwise decode to 32 other bytes.
  .refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s) && s.length % 4 === 0 && Buffer.from(s, 'base64').length === MASTER_KEY_BYTES)
  .transform((s) => new Uint8Array(Buffer.from(s, 'base64')));

/** Every variable, its parser and what it expects (the only text an error shows). */
const VARIABLES = {
  DATABASE_URL: { schema: postgresUrl.optional(), expected: 'a postgres:// or postgresql:// URL with a host (unset: embedded database in DISRUPT_DATA_DIR)' },
  DISRUPT_DATA_DIR: { schema: z.string().default('./data'), expected: 'a folder path (default ./data)' },
  HOST: { schema: z.string().regex(/^\S+$/).default('127.0.0.1'), expected: 'a host name or address without spaces (default 127.0.0.1)' },
  PORT: { schema: integer(0, 65535).default(8080), expected: 'an integer from 0 to 65535 (default 8080)' },
  DISRUPT_ROLES: { schema: roles.default([...ROLES]), expected: `a comma-separated list of ${ROLES.join(', ')} (default all)` },
  DISRUPT_MASTER_KEY: { schema: masterKey.optional(), expected: `${MASTER_KEY_BYTES} bytes in standard base64 (unset: the key file in the data folder)` },
  DISRUPT_AUDIT_ANCHOR_DIR: { schema: z.string().optional(), expected: 'a folder path (default: audit-anchors in DISRUPT_DATA_DIR)' },
  DISRUPT_ALLOW_MINOR_MEDIA: { schema: bool.default(false), expected: 'true, false, 1 or 0 (default false)' },
  DISRUPT_MEDIA_RETENTION_DAYS: { schema: integer(1, 36_500).default(30), expected: 'a whole number of days, at least 1 (default 30)' },
  DISRUPT_MAX_UPLOAD_BYTES: { schema: integer(1024, Number.MAX_SAFE_INTEGER).default(DEFAULT_MAX_UPLOAD_BYTES), expected: `a whole number of bytes, at least 1024 (default ${DEFAULT_MAX_UPLOAD_BYTES})` },
  DISRUPT_TRUST_PROXY: {
    schema: trustProxy.default(false),
    expected: 'true, false, a number of proxy hops (0 to 100), or a comma-separated list of the proxies\' addresses or CIDR ranges (default false)',
  },
  LOG_LEVEL: { schema: z.enum(LOG_LEVELS).default('info'), expected: `one of ${LOG_LEVELS.join(', ')} (default info)` },
  DISRUPT_HOTLINE_NAME: { schema: z.string().max(200).default('Disrupt hotline'), expected: 'the hotline\'s name as it signs notices, at most 200 characters' },
  DISRUPT_HOTLINE_EMAIL: { schema: z.email().default('abuse@localhost'), expected: 'the e-mail address notices come from and hosts answer to' },
  DISRUPT_SMTP_URL: { schema: smtpUrl.optional(), expected: 'an smtp:// or smtps:// URL with a host (unset: notices wait in the outbox)' },
  DISRUPT_FETCH_ALLOW: { schema: cidrList.optional(), expected: 'a comma-separated list of addresses or CIDR ranges (unset: public addresses only)' },
  DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP: { schema: bool.default(false), expected: 'true, false, 1 or 0 (default false)' },
  DISRUPT_PARTNER_RATE_LIMIT: { schema: integer(1, 1_000_000).default(600), expected: 'requests a minute per key, from 1 to 1000000 (default 600)' },
  DISRUPT_DISPUTE_MIN_NOT_BLOCKED: { schema: integer(1, 1000).default(3), expected: 'a whole number from 1 to 1000 (default 3)' },
  DISRUPT_DISPUTE_MIN_PARTNERS: { schema: integer(1, 1000).default(2), expected: 'a whole number from 1 to 1000 (default 2)' },
  DISRUPT_MATCH_WORKERS: { schema: integer(0, 64).default(0), expected: 'a whole number of threads from 0 to 64 (default 0: match on the main thread)' },
  DISRUPT_HELPLINES: { schema: helplines.optional(), expected: 'a JSON array of 1 to 20 {name, phone?, url?, minors?, text?: {fr?, en?}} (unset: the French lines)' },
  DISRUPT_QUICK_EXIT_URL: { schema: httpUrl.default('https://www.wikipedia.org/'), expected: 'an http(s) URL of a neutral site (default https://www.wikipedia.org/)' },
  DISRUPT_WEB_DIR: { schema: z.string().optional(), expected: "a folder with the portal's built files (unset: packages/web/dist)" },
  DISRUPT_BREAK_AFTER_REVEALS: { schema: integer(1, 10_000).default(20), expected: 'a whole number of reveals a day, from 1 to 10000 (default 20)' },
  DISRUPT_BREAK_AFTER_MINUTES: { schema: integer(1, 1440).default(50), expected: 'a whole number of minutes, from 1 to 1440 (default 50)' },
  DISRUPT_METRICS_TOKEN: { schema: z.string().regex(/^[\x21-\x7e]{24,200}$/).optional(), expected: '24 to 200 visible ASCII characters, sent by the scraper as Authorization: Bearer (unset: /metrics answers 404)' },
  DISRUPT_SIGN_IN_FAILURES: { schema: integer(1, 1000).default(10), expected: 'failed sign-ins in a row that pause an account or a case, from 1 to 1000 (default 10)' },
  DISRUPT_SIGN_IN_PAUSE_MINUTES: { schema: integer(1, 360).default(15), expected: 'minutes of the first pause, from 1 to 360 (default 15)' },
  DISRUPT_SIGN_IN_PER_CLIENT: { schema: integer(1, 1_000_000).default(100), expected: 'sign-in attempts per client address per 10 minutes, from 1 to 1000000 (default 100)' },
  DISRUPT_CASE_OPEN_PER_CLIENT: { schema: integer(1, 1_000_000).default(20), expected: 'cases opened per client address per hour, from 1 to 1000000 (default 20)' },
  DISRUPT_CASE_OPEN_TOTAL: { schema: integer(1, 10_000_000).default(1000), expected: 'cases opened per hour by everyone together, from 1 to 10000000 (default 1000)' },
} as const;

type VariableName = keyof typeof VARIABLES;

const schema = z.object({
  DATABASE_URL: VARIABLES.DATABASE_URL.schema,
  DISRUPT_DATA_DIR: VARIABLES.DISRUPT_DATA_DIR.schema,
  HOST: VARIABLES.HOST.schema,
  PORT: VARIABLES.PORT.schema,
  DISRUPT_ROLES: VARIABLES.DISRUPT_ROLES.schema,
  DISRUPT_MASTER_KEY: VARIABLES.DISRUPT_MASTER_KEY.schema,
  DISRUPT_AUDIT_ANCHOR_DIR: VARIABLES.DISRUPT_AUDIT_ANCHOR_DIR.schema,
  DISRUPT_ALLOW_MINOR_MEDIA: VARIABLES.DISRUPT_ALLOW_MINOR_MEDIA.schema,
  DISRUPT_MEDIA_RETENTION_DAYS: VARIABLES.DISRUPT_MEDIA_RETENTION_DAYS.schema,
  DISRUPT_MAX_UPLOAD_BYTES: VARIABLES.DISRUPT_MAX_UPLOAD_BYTES.schema,
  DISRUPT_TRUST_PROXY: VARIABLES.DISRUPT_TRUST_PROXY.schema,
  LOG_LEVEL: VARIABLES.LOG_LEVEL.schema,
  DISRUPT_HOTLINE_NAME: VARIABLES.DISRUPT_HOTLINE_NAME.schema,
  DISRUPT_HOTLINE_EMAIL: VARIABLES.DISRUPT_HOTLINE_EMAIL.schema,
  DISRUPT_SMTP_URL: VARIABLES.DISRUPT_SMTP_URL.schema,
  DISRUPT_FETCH_ALLOW: VARIABLES.DISRUPT_FETCH_ALLOW.schema,
  DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP: VARIABLES.DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP.schema,
  DISRUPT_PARTNER_RATE_LIMIT: VARIABLES.DISRUPT_PARTNER_RATE_LIMIT.schema,
  DISRUPT_DISPUTE_MIN_NOT_BLOCKED: VARIABLES.DISRUPT_DISPUTE_MIN_NOT_BLOCKED.schema,
  DISRUPT_DISPUTE_MIN_PARTNERS: VARIABLES.DISRUPT_DISPUTE_MIN_PARTNERS.schema,
  DISRUPT_MATCH_WORKERS: VARIABLES.DISRUPT_MATCH_WORKERS.schema,
  DISRUPT_HELPLINES: VARIABLES.DISRUPT_HELPLINES.schema,
  DISRUPT_QUICK_EXIT_URL: VARIABLES.DISRUPT_QUICK_EXIT_URL.schema,
  DISRUPT_WEB_DIR: VARIABLES.DISRUPT_WEB_DIR.schema,
  DISRUPT_BREAK_AFTER_REVEALS: VARIABLES.DISRUPT_BREAK_AFTER_REVEALS.schema,
  DISRUPT_BREAK_AFTER_MINUTES: VARIABLES.DISRUPT_BREAK_AFTER_MINUTES.schema,
  DISRUPT_METRICS_TOKEN: VARIABLES.DISRUPT_METRICS_TOKEN.schema,
  DISRUPT_SIGN_IN_FAILURES: VARIABLES.DISRUPT_SIGN_IN_FAILURES.schema,
  DISRUPT_SIGN_IN_PAUSE_MINUTES: VARIABLES.DISRUPT_SIGN_IN_PAUSE_MINUTES.schema,
  DISRUPT_SIGN_IN_PER_CLIENT: VARIABLES.DISRUPT_SIGN_IN_PER_CLIENT.schema,
  DISRUPT_CASE_OPEN_PER_CLIENT: VARIABLES.DISRUPT_CASE_OPEN_PER_CLIENT.schema,
  DISRUPT_CASE_OPEN_TOTAL: VARIABLES.DISRUPT_CASE_OPEN_TOTAL.schema,
} satisfies Record<VariableName, z.ZodType>);

function isVariable(name: PropertyKey | undefined): name is VariableName {
  return typeof name === 'string' && Object.hasOwn(VARIABLES, name);
}

/**
 * Reads the configuration from an environment-like record (process.env, or a
 * test's object). An empty value counts as unset, as `VAR=` in a compose file
 * or a systemd unit means. On failure: one line per bad variable, in a stable
 * order, naming it and what it expects — never its value.
 */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const present: Partial<Record<VariableName, string>> = {};
  for (const name of Object.keys(VARIABLES) as VariableName[]) {
    const value = env[name];
    if (value !== undefined && value !== '') present[name] = value;
  }
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const bad = new Set<VariableName>();
    for (const issue of parsed.error.issues) {
      const name = issue.path[0];
      if (isVariable(name)) bad.add(name);
    }
    const errors = (Object.keys(VARIABLES) as VariableName[]).filter((name) => bad.has(name)).map((name) => `${name}: expected ${VARIABLES[name].expected}`);
    // An issue without a variable's path would be a bug here; still never start on it.
    return { ok: false, errors: errors.length > 0 ? errors : ['environment: invalid configuration'] };
  }
  const v = parsed.data;
  const dataDir = resolve(v.DISRUPT_DATA_DIR);
  return {
    ok: true,
    config: {
      database: v.DATABASE_URL === undefined ? { kind: 'pglite', dataDir } : { kind: 'postgres', url: v.DATABASE_URL },
      dataDir,
      host: v.HOST,
      port: v.PORT,
      roles: v.DISRUPT_ROLES,
      masterKey: v.DISRUPT_MASTER_KEY ?? null,
      auditAnchorDir: v.DISRUPT_AUDIT_ANCHOR_DIR === undefined ? join(dataDir, 'audit-anchors') : resolve(v.DISRUPT_AUDIT_ANCHOR_DIR),
      allowMinorMedia: v.DISRUPT_ALLOW_MINOR_MEDIA,
      mediaRetentionDays: v.DISRUPT_MEDIA_RETENTION_DAYS,
      maxUploadBytes: v.DISRUPT_MAX_UPLOAD_BYTES,
      trustProxy: v.DISRUPT_TRUST_PROXY,
      throttle: {
        signInFailures: v.DISRUPT_SIGN_IN_FAILURES,
        signInPauseMinutes: v.DISRUPT_SIGN_IN_PAUSE_MINUTES,
        signInPerClient: v.DISRUPT_SIGN_IN_PER_CLIENT,
        caseOpenPerClient: v.DISRUPT_CASE_OPEN_PER_CLIENT,
        caseOpenTotal: v.DISRUPT_CASE_OPEN_TOTAL,
      },
      logLevel: v.LOG_LEVEL,
      hotline: { name: v.DISRUPT_HOTLINE_NAME, email: v.DISRUPT_HOTLINE_EMAIL },
      smtpUrl: v.DISRUPT_SMTP_URL ?? null,
      fetchAllow: v.DISRUPT_FETCH_ALLOW ?? [],
      partnerWebhookAllowHttp: v.DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP,
      partnerRateLimit: v.DISRUPT_PARTNER_RATE_LIMIT,
      disputeMinNotBlocked: v.DISRUPT_DISPUTE_MIN_NOT_BLOCKED,
      disputeMinPartners: v.DISRUPT_DISPUTE_MIN_PARTNERS,
      matchWorkers: v.DISRUPT_MATCH_WORKERS,
      portal: {
        helplines: (v.DISRUPT_HELPLINES as readonly Helpline[] | undefined) ?? DEFAULT_HELPLINES,
        quickExitUrl: v.DISRUPT_QUICK_EXIT_URL,
        webDir: v.DISRUPT_WEB_DIR === undefined ? null : resolve(v.DISRUPT_WEB_DIR),
      },
      console: { breakAfterReveals: v.DISRUPT_BREAK_AFTER_REVEALS, breakAfterMinutes: v.DISRUPT_BREAK_AFTER_MINUTES },
      metricsToken: v.DISRUPT_METRICS_TOKEN ?? null,
    },
  };
}

/** Where loadConfigOrExit reports and how it stops; injectable so that tests need not end the process. */
export interface ExitIo {
  readonly stderr: (text: string) => void;
  readonly exit: (code: number) => never;
}

/** sysexits.h EX_CONFIG: supervisors (systemd, Kubernetes) can tell "misconfigured" from "crashed". */
export const EXIT_BAD_CONFIG = 78;

const processIo: ExitIo = {
  stderr: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
};

/** For entry points: the configuration, or every problem on stderr and exit 78 before anything starts. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env, io: ExitIo = processIo): Config {
  const result = loadConfig(env);
  if (result.ok) return result.config;
  io.stderr(`disrupt: bad configuration:\n${result.errors.map((e) => `  ${e}\n`).join('')}`);
  return io.exit(EXIT_BAD_CONFIG);
}
