// What the access gate (http/access.ts) asks of partner routes, native or
// StopNCII-style: who is calling (401), how fast (429 with Retry-After), with
// which scope (403) — the scope comes from the route's own declaration — and
// the audit entry for the call: the partner, the route and how many records
// it carried, never the hashes.
//
// Call entries are appended in groups, one transaction every AUDIT_FLUSH_MS
// (or AUDIT_FLUSH_AT entries): a transaction per call would cost more than a
// batch of 1,000 matches. At 50 ms a group was still one or two calls under
// load, and its transaction (lock, read the chain's head, insert) took the
// event loop 5–20 ms on embedded PGlite — as long as matching the batch
// itself; at 500 ms a group holds ten or more. What a crash can lose is the
// last half second's record of *calls*; every change a partner makes
// (feedback, submitted hashes) is also audited in the transaction that makes
// it, and shutdown flushes.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuditEvent, appendAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Authenticators } from '../http/access.ts';
import type { Logger } from '../logger.ts';
import { type PartnerCaller, type PartnerScope, type PartnerService, STOPNCII_ENDPOINT_SCOPE } from './partner.service.ts';
import type { RateLimiter } from './rate-limiter.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** How many records the call carried (hashes matched, feedback items, records returned), for the audit log. */
    partnerCount?: number;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** A native key: `Authorization: Bearer dpk_…`, or `X-Api-Key`. */
function partnerKey(request: FastifyRequest): string | undefined {
  const authorization = header(request, 'authorization');
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim();
  return header(request, 'x-api-key');
}

/** The gate's partner and StopNCII authenticators. */
export function partnerAuthenticators(partners: PartnerService, gate: PartnerGate): Pick<Authenticators, 'partner' | 'stopncii'> {
  return {
    partner: async (request, scope) => {
      await gate.admit(request, await partners.authenticateApiKey(partnerKey(request)), scope);
    },
    stopncii: async (request, endpoint) => {
      const caller = await partners.authenticateStopNcii(header(request, 'ocp-apim-subscription-key'), header(request, 'x-functions-key'), endpoint);
      await gate.admit(request, caller, STOPNCII_ENDPOINT_SCOPE[endpoint]);
    },
  };
}

/** Refusals of a flooding key are audited once per window, not once each: a flood must not become an audit-log flood. */
const REFUSAL_AUDIT_WINDOW_MS = 60_000;
const AUDIT_FLUSH_MS = 500;
const AUDIT_FLUSH_AT = 500;

export class PartnerGate {
  private readonly refusals = new Map<string, { count: number; auditedAt: number }>();
  private pending: { event: AuditEvent; at: Date }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly limiter: RateLimiter,
    private readonly logger: Logger,
  ) {}

  /** After authentication: the rate limit, then the scope the route declared. Throws the 401, 429 or 403. */
  async admit(request: FastifyRequest, caller: PartnerCaller | null, scope: PartnerScope | 'none'): Promise<void> {
    if (!caller) throw new AppError('unauthorized', 'missing, unknown or revoked partner key');
    const decision = this.limiter.take(caller.keyId, caller.rateLimitPerMinute);
    if (!decision.ok) {
      await this.auditRefusal(caller, request);
      throw new AppError('too_many_requests', `rate limit of ${caller.rateLimitPerMinute} requests a minute reached`, { retryAfterSeconds: decision.retryAfterSeconds });
    }
    request.partner = caller;
    if (scope !== 'none' && !caller.scopes.has(scope)) throw new AppError('not_permitted', `this key does not have the ${scope} scope`);
  }

  /** The onSend hook: one audit entry per admitted call, whatever its outcome (written with the next group). */
  audit(request: FastifyRequest, reply: FastifyReply): void {
    const caller = request.partner;
    if (!caller) return;
    this.pending.push({
      at: new Date(),
      event: {
        actor: `partner:${caller.partnerId}`,
        action: 'partner.call',
        subject: `partner:${caller.partnerId}`,
        detail: { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, count: request.partnerCount ?? null, key: caller.keyPrefix },
      },
    });
    if (this.pending.length >= AUDIT_FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), AUDIT_FLUSH_MS);
  }

  /** Writes the waiting call entries, in order, in one transaction (also at shutdown). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    // Groups are written one after another, so the chain keeps the calls' order.
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.database.db.transaction(async (tx) => {
          for (const { event, at } of batch) await appendAudit(tx, event, at);
        });
      } catch (error) {
        // The answers are sent; failing them now is not possible. Loud in the logs instead.
        this.logger.error({ err: error, entries: batch.length }, 'partner call audit failed');
      }
    });
    return this.flushing;
  }

  private async auditRefusal(caller: PartnerCaller, request: FastifyRequest): Promise<void> {
    const now = Date.now();
    const seen = this.refusals.get(caller.keyId) ?? { count: 0, auditedAt: 0 };
    seen.count++;
    this.refusals.set(caller.keyId, seen);
    if (now - seen.auditedAt < REFUSAL_AUDIT_WINDOW_MS) return;
    const refused = seen.count;
    seen.count = 0;
    seen.auditedAt = now;
    for (const [key, value] of this.refusals) if (now - value.auditedAt > 10 * REFUSAL_AUDIT_WINDOW_MS) this.refusals.delete(key);
    await this.database.db.transaction((tx) =>
      appendAudit(tx, {
        actor: `partner:${caller.partnerId}`,
        action: 'partner.rate_limited',
        subject: `partner:${caller.partnerId}`,
        detail: { route: request.routeOptions.url ?? 'unmatched', refused, key: caller.keyPrefix },
      }),
    );
  }
}
