// Partner platforms and their credentials: create, list, rotate, revoke, and
// the one check every partner request goes through. Each partner gets a
// native API key (with scopes) and a StopNCII-style credential: a
// subscription key that says who calls, and one function key per endpoint.
// Revocation and rotation take effect on the next request: keys are checked
// against the database every time, never cached.

import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import { appendAudit } from '../audit/audit.ts';
import type { Database, Executor } from '../db/database.ts';
import { FEEDBACK_VALUES, PARTNER_SCOPES, STOPNCII_ENDPOINTS, partnerFeedback, partnerKeys, partners } from '../db/schema.ts';
import { type PartnerKeyKind, digestMatches, keyPrefix, newKey } from './partner-keys.ts';

export type PartnerScope = (typeof PARTNER_SCOPES)[number];
export type StopNciiEndpoint = (typeof STOPNCII_ENDPOINTS)[number];

/** The scope each StopNCII endpoint needs. */
export const STOPNCII_ENDPOINT_SCOPE: Readonly<Record<StopNciiEndpoint, PartnerScope>> = {
  FetchHashes: 'feed:read',
  SubmitHashes: 'hashes:write',
  SubmitFeedback: 'feedback:write',
};

/** Printed once by `disrupt partner create|rotate` (and the console): the only time the keys are visible. */
export interface PartnerCredentials {
  readonly name: string;
  readonly apiKey: string;
  readonly stopncii: { readonly subscriptionKey: string; readonly functionKeys: Readonly<Record<StopNciiEndpoint, string>> };
}

export interface PartnerKeyView {
  readonly prefix: string;
  readonly kind: PartnerKeyKind;
  readonly endpoint: StopNciiEndpoint | null;
  readonly scopes: string[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface PartnerView {
  readonly id: string;
  readonly name: string;
  readonly status: 'active' | 'revoked';
  /** The scopes of the partner's current native API key (none once revoked). */
  readonly scopes: string[];
  readonly rateLimitPerMinute: number;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly keys: PartnerKeyView[];
  /** How many opinions the partner gave, by value, ever. */
  readonly feedback: Readonly<Record<(typeof FEEDBACK_VALUES)[number], number>>;
}

/** Who is calling, once a key is accepted. */
export interface PartnerCaller {
  readonly partnerId: string;
  readonly partnerName: string;
  readonly keyId: string;
  readonly keyPrefix: string;
  readonly scopes: ReadonlySet<string>;
  readonly rateLimitPerMinute: number;
}

export type CreatePartnerResult = { readonly ok: true; readonly credentials: PartnerCredentials; readonly partnerId: string } | { readonly ok: false; readonly reason: 'name_taken' | 'bad_name' };

export const DEFAULT_PARTNER_RATE_LIMIT = 600;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

export function validPartnerName(name: string): boolean {
  return NAME_PATTERN.test(name) && name.trim() === name;
}

export interface CreatePartnerOptions {
  readonly scopes?: readonly PartnerScope[];
  readonly rateLimitPerMinute?: number;
}

export class PartnerService {
  constructor(private readonly database: Database) {}

  async create(name: string, options: CreatePartnerOptions, actor: string): Promise<CreatePartnerResult> {
    if (!validPartnerName(name)) return { ok: false, reason: 'bad_name' };
    const scopes = [...new Set(options.scopes ?? PARTNER_SCOPES)];
    return this.database.db.transaction(async (tx) => {
      const [taken] = await tx.select({ id: partners.id }).from(partners).where(eq(partners.name, name));
      if (taken) return { ok: false, reason: 'name_taken' } as const;
      const partnerId = randomUUID();
      await tx.insert(partners).values({ id: partnerId, name, rateLimitPerMinute: options.rateLimitPerMinute ?? DEFAULT_PARTNER_RATE_LIMIT });
      const credentials = await issueKeys(tx, partnerId, name, scopes);
      await appendAudit(tx, { actor, action: 'partner.create', subject: `partner:${partnerId}`, detail: { scopes: scopes.join(',') } });
      return { ok: true, credentials, partnerId } as const;
    });
  }

  async list(): Promise<PartnerView[]> {
    const db = this.database.db;
    const rows = await db.select().from(partners).orderBy(asc(partners.name));
    const keys = rows.length ? await db.select().from(partnerKeys).where(inArray(partnerKeys.partnerId, rows.map((r) => r.id))).orderBy(asc(partnerKeys.createdAt), asc(partnerKeys.prefix)) : [];
    // One grouped count over the feedback's (entry) rows: a hotline has tens of partners, not thousands.
    const opinions = await db.select({ partnerId: partnerFeedback.partnerId, value: partnerFeedback.value, n: count() }).from(partnerFeedback).groupBy(partnerFeedback.partnerId, partnerFeedback.value);
    return rows.map((p) => {
      const own = keys.filter((k) => k.partnerId === p.id);
      const current = own.find((k) => k.kind === 'api' && k.revokedAt === null);
      return {
        id: p.id,
        name: p.name,
        status: p.revokedAt === null ? 'active' : 'revoked',
        scopes: current ? [...current.scopes] : [],
        rateLimitPerMinute: p.rateLimitPerMinute,
        createdAt: p.createdAt.toISOString(),
        revokedAt: p.revokedAt?.toISOString() ?? null,
        keys: own.map((k) => ({ prefix: k.prefix, kind: k.kind, endpoint: k.endpoint, scopes: k.scopes, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null })),
        feedback: Object.fromEntries(FEEDBACK_VALUES.map((v) => [v, opinions.find((o) => o.partnerId === p.id && o.value === v)?.n ?? 0])) as PartnerView['feedback'],
      };
    });
  }

  /**
   * The partner as a caller, for an admin acting on its behalf in the console
   * (its webhooks): no key and no scope — the console's own access check
   * admitted the admin. Null when there is no such partner.
   */
  async consoleCaller(partnerId: string): Promise<{ caller: PartnerCaller; revoked: boolean } | null> {
    const [row] = await this.database.db.select().from(partners).where(eq(partners.id, partnerId));
    if (!row) return null;
    return {
      caller: { partnerId: row.id, partnerName: row.name, keyId: 'console', keyPrefix: 'console', scopes: new Set(), rateLimitPerMinute: row.rateLimitPerMinute },
      revoked: row.revokedAt !== null,
    };
  }

  /** Revokes the partner and every key it has, at once. */
  async revoke(nameOrId: string, actor: string): Promise<'revoked' | 'not_found'> {
    return this.database.db.transaction(async (tx) => {
      const partner = await findPartner(tx, nameOrId);
      if (!partner) return 'not_found';
      const now = new Date();
      await tx.update(partners).set({ revokedAt: partner.revokedAt ?? now }).where(eq(partners.id, partner.id));
      await tx.update(partnerKeys).set({ revokedAt: now }).where(and(eq(partnerKeys.partnerId, partner.id), isNull(partnerKeys.revokedAt)));
      await appendAudit(tx, { actor, action: 'partner.revoke', subject: `partner:${partner.id}` });
      return 'revoked';
    });
  }

  /**
   * New keys for every credential of the partner, with the same scopes; the
   * old ones stop working at once (a leaked key is the usual reason to rotate).
   */
  async rotate(nameOrId: string, actor: string): Promise<PartnerCredentials | 'not_found' | 'revoked'> {
    return this.database.db.transaction(async (tx) => {
      const partner = await findPartner(tx, nameOrId);
      if (!partner) return 'not_found';
      if (partner.revokedAt) return 'revoked';
      const [current] = await tx
        .select({ scopes: partnerKeys.scopes })
        .from(partnerKeys)
        .where(and(eq(partnerKeys.partnerId, partner.id), eq(partnerKeys.kind, 'api'), isNull(partnerKeys.revokedAt)));
      const scopes = (current?.scopes ?? []).filter((s): s is PartnerScope => (PARTNER_SCOPES as readonly string[]).includes(s));
      await tx.update(partnerKeys).set({ revokedAt: new Date() }).where(and(eq(partnerKeys.partnerId, partner.id), isNull(partnerKeys.revokedAt)));
      const credentials = await issueKeys(tx, partner.id, partner.name, scopes);
      await appendAudit(tx, { actor, action: 'partner.rotate', subject: `partner:${partner.id}` });
      return credentials;
    });
  }

  /** The caller behind a native API key, or null (unknown, malformed, revoked). */
  async authenticateApiKey(key: string | undefined): Promise<PartnerCaller | null> {
    return this.check(key, 'api', null);
  }

  /**
   * The caller behind a StopNCII-style pair: the subscription key names the
   * partner, the function key must be that partner's key for this endpoint.
   */
  async authenticateStopNcii(subscriptionKey: string | undefined, functionKey: string | undefined, endpoint: StopNciiEndpoint): Promise<PartnerCaller | null> {
    const subscriber = await this.check(subscriptionKey, 'stopncii_subscription', null);
    if (!subscriber) return null;
    const fn = await this.check(functionKey, 'stopncii_function', endpoint);
    if (fn?.partnerId !== subscriber.partnerId) return null;
    // Rate-limited and audited under the subscription key: one bucket per partner credential.
    return { ...subscriber, scopes: fn.scopes };
  }

  private async check(key: string | undefined, kind: PartnerKeyKind, endpoint: StopNciiEndpoint | null): Promise<PartnerCaller | null> {
    if (key === undefined) return null;
    const prefix = keyPrefix(key, kind);
    if (prefix === null) return null;
    const [row] = await this.database.db
      .select({ key: partnerKeys, partner: partners })
      .from(partnerKeys)
      .innerJoin(partners, eq(partners.id, partnerKeys.partnerId))
      .where(eq(partnerKeys.prefix, prefix));
    if (!row || !digestMatches(key, row.key.digest)) return null;
    if (row.key.revokedAt !== null || row.partner.revokedAt !== null || row.key.kind !== kind) return null;
    if (endpoint !== null && row.key.endpoint !== endpoint) return null;
    return {
      partnerId: row.partner.id,
      partnerName: row.partner.name,
      keyId: row.key.id,
      keyPrefix: row.key.prefix,
      scopes: new Set(row.key.scopes),
      rateLimitPerMinute: row.partner.rateLimitPerMinute,
    };
  }
}

async function findPartner(tx: Executor, nameOrId: string) {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nameOrId);
  const [row] = await tx
    .select()
    .from(partners)
    .where(byId ? eq(partners.id, nameOrId) : eq(partners.name, nameOrId));
  return row ?? null;
}

/** A native key with `scopes`, a subscription key, and a function key per endpoint (each opening only its endpoint, if its scope was granted). */
async function issueKeys(tx: Executor, partnerId: string, name: string, scopes: readonly PartnerScope[]): Promise<PartnerCredentials> {
  const api = newKey('api');
  const subscription = newKey('stopncii_subscription');
  const rows: (typeof partnerKeys.$inferInsert)[] = [
    { id: randomUUID(), partnerId, kind: 'api', endpoint: null, prefix: api.prefix, digest: api.digest, scopes: [...scopes] },
    { id: randomUUID(), partnerId, kind: 'stopncii_subscription', endpoint: null, prefix: subscription.prefix, digest: subscription.digest, scopes: [] },
  ];
  const functionKeys = {} as Record<StopNciiEndpoint, string>;
  for (const endpoint of STOPNCII_ENDPOINTS) {
    const fn = newKey('stopncii_function');
    functionKeys[endpoint] = fn.key;
    const scope = STOPNCII_ENDPOINT_SCOPE[endpoint];
    rows.push({ id: randomUUID(), partnerId, kind: 'stopncii_function', endpoint, prefix: fn.prefix, digest: fn.digest, scopes: scopes.includes(scope) ? [scope] : [] });
  }
  await tx.insert(partnerKeys).values(rows);
  return { name, apiKey: api.key, stopncii: { subscriptionKey: subscription.key, functionKeys } };
}
