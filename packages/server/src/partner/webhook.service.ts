// Webhooks: a partner registers a URL, and every change to the bank (new,
// changed, withdrawn records) is pushed to it in batches, in sequence order,
// signed with HMAC-SHA256 over "<timestamp>.<body>" so the partner can check
// where it came from and refuse replays (old timestamps).
//
// Each webhook has a cursor: the change sequence up to which the partner has
// everything. A dispatcher (worker role, every second) queues one delivery
// job per webhook that is behind; the job posts the next batches and advances
// the cursor on each 2xx. A failure throws, and the job queue retries with
// exponential backoff; every attempt is in the delivery log. A job that gave
// up leaves the webhook pending; the dispatcher tries it again later.

import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { and, asc, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { appendAudit } from '../audit/audit.ts';
import { normaliseUrl } from '../cases/items.ts';
import { type AddressPolicy, PUBLIC_ADDRESSES_ONLY, hostLiteral } from '../net/address-policy.ts';
import { type Resolver, addressNotAllowed, guardedLookup, systemResolve } from '../net/outbound.ts';
import { type Key, decrypt, encrypt } from '../crypto/envelope.ts';
import type { Database } from '../db/database.ts';
import { partnerWebhooks, partners, webhookDeliveries } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { type NativeRecord, type PartnerFeed, nativeRecord } from './partner-feed.ts';
import type { PartnerCaller } from './partner.service.ts';
import { repeatEvery } from '../jobs/periodic.ts';

export const WEBHOOK_BATCH = 500;
/** Batches one job sends before it lets other webhooks have the worker. */
const BATCHES_PER_JOB = 20;
const TIMEOUT_MS = 10_000;
/** Longer than the job queue's whole retry schedule (5 retries, backoff up to ~32 s). */
const STALE_PENDING_MS = 5 * 60_000;
const MAX_WEBHOOKS_PER_PARTNER = 5;
export const SIGNATURE_HEADER = 'x-disrupt-signature';
export const TIMESTAMP_HEADER = 'x-disrupt-timestamp';

export interface WebhookBody {
  readonly webhookId: string;
  readonly deliveryId: string;
  /** The sequence number up to which this batch brings the partner. */
  readonly cursor: number;
  readonly records: readonly NativeRecord[];
}

export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly cursor: number;
  readonly createdAt: string;
}

export interface DeliveryView {
  readonly id: number;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly count: number;
  readonly statusCode: number | null;
  readonly ok: boolean;
  readonly error: string | null;
  readonly ms: number;
  readonly at: string;
}

/** The signature a partner recomputes: hex HMAC-SHA256 of "<timestamp>.<raw body>" under the webhook's secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookDeps {
  readonly database: Database;
  readonly masterKey: Key;
  readonly jobs: JobQueue;
  readonly feed: PartnerFeed;
  /** Plain http:// URLs and private or loopback hosts (tests, private networks); https to public hosts only otherwise. */
  readonly allowHttp: boolean;
  /** Name resolution for deliveries; the system resolver by default. */
  readonly resolve?: Resolver;
}

/** Public hosts only: names through `lookup`, IP literals through `policy` (Node does not call `lookup` for them). */
interface DeliveryGuard {
  readonly policy: AddressPolicy;
  readonly lookup: LookupFunction;
}

/** Posts a JSON body and returns the status; redirects are not followed (a 3xx is a failure). */
function postJson(url: string, headers: Record<string, string>, body: string, guard: DeliveryGuard | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const literal = hostLiteral(target.hostname);
    if (guard && literal !== null && !guard.policy.allows(literal)) {
      reject(addressNotAllowed());
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false, ...(guard ? { lookup: guard.lookup } : {}) },
      (response) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
        response.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      request.destroy(Object.assign(new Error('webhook timed out'), { name: 'TimeoutError' }));
    }, TIMEOUT_MS);
    request.on('error', reject);
    request.on('close', () => {
      clearTimeout(timer);
    });
    request.end(body);
  });
}

export class WebhookService {
  private stopRepeating: (() => void) | null = null;
  /**
   * Unless the deployment allows private hosts, every delivery resolves the
   * name itself and connects only to an address it checked is public: a
   * partner's host name that later resolves into the hotline's network
   * (DNS rebinding) is refused at the moment of delivery. An IP literal is
   * checked again at delivery too, not only at registration: a row stored
   * before a rule was added must not get past it.
   */
  private readonly guard: DeliveryGuard | null;

  constructor(private readonly deps: WebhookDeps) {
    this.guard = deps.allowHttp ? null : { policy: PUBLIC_ADDRESSES_ONLY, lookup: guardedLookup(PUBLIC_ADDRESSES_ONLY, deps.resolve ?? systemResolve) };
  }

  /** `actor`: who asks, for the audit log — the partner itself, or an admin in the console (`user:<id>`). */
  async register(caller: PartnerCaller, url: string, actor = `partner:${caller.partnerId}`): Promise<WebhookView & { secret: string }> {
    const refusal = this.refusal(url);
    if (refusal !== null) throw new AppError('bad_request', refusal);
    const { database, masterKey } = this.deps;
    const id = randomUUID();
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    // From now on: the feed gives the partner everything before.
    const cursor = await this.deps.feed.lastSeq();
    await database.db.transaction(async (tx) => {
      const existing = await tx
        .select({ id: partnerWebhooks.id })
        .from(partnerWebhooks)
        .where(and(eq(partnerWebhooks.partnerId, caller.partnerId), isNull(partnerWebhooks.disabledAt)));
      if (existing.length >= MAX_WEBHOOKS_PER_PARTNER) throw new AppError('conflict', `at most ${MAX_WEBHOOKS_PER_PARTNER} webhooks per partner`);
      await tx.insert(partnerWebhooks).values({ id, partnerId: caller.partnerId, url, secretEnc: encrypt(masterKey, new TextEncoder().encode(secret), `webhook:${id}`), cursor });
      await appendAudit(tx, { actor, action: 'partner.webhook.register', subject: `webhook:${id}`, detail: { partner: caller.partnerId } });
    });
    return { id, url, cursor, createdAt: new Date().toISOString(), secret };
  }

  async list(caller: PartnerCaller): Promise<WebhookView[]> {
    const rows = await this.deps.database.db
      .select()
      .from(partnerWebhooks)
      .where(and(eq(partnerWebhooks.partnerId, caller.partnerId), isNull(partnerWebhooks.disabledAt)))
      .orderBy(asc(partnerWebhooks.createdAt));
    return rows.map((r) => ({ id: r.id, url: r.url, cursor: r.cursor, createdAt: r.createdAt.toISOString() }));
  }

  async remove(caller: PartnerCaller, id: string, actor = `partner:${caller.partnerId}`): Promise<void> {
    await this.deps.database.db.transaction(async (tx) => {
      const updated = await tx
        .update(partnerWebhooks)
        .set({ disabledAt: new Date() })
        .where(and(eq(partnerWebhooks.id, id), eq(partnerWebhooks.partnerId, caller.partnerId), isNull(partnerWebhooks.disabledAt)))
        .returning({ id: partnerWebhooks.id });
      if (updated.length === 0) throw new AppError('not_found');
      await appendAudit(tx, { actor, action: 'partner.webhook.remove', subject: `webhook:${id}`, detail: { partner: caller.partnerId } });
    });
  }

  async deliveries(caller: PartnerCaller, id: string, limit = 100): Promise<DeliveryView[]> {
    const db = this.deps.database.db;
    const [hook] = await db
      .select({ id: partnerWebhooks.id })
      .from(partnerWebhooks)
      .where(and(eq(partnerWebhooks.id, id), eq(partnerWebhooks.partnerId, caller.partnerId)));
    if (!hook) throw new AppError('not_found');
    const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id)).orderBy(desc(webhookDeliveries.id)).limit(limit);
    return rows.map((r) => ({ id: r.id, fromSeq: r.fromSeq, toSeq: r.toSeq, count: r.count, statusCode: r.statusCode, ok: r.ok, error: r.error, ms: r.ms, at: r.at.toISOString() }));
  }

  /** Queues a delivery for every webhook behind the bank; returns how many. */
  async dispatch(): Promise<number> {
    const { database, jobs, feed } = this.deps;
    const last = await feed.lastSeq();
    const now = new Date();
    const behind = await database.db
      .select({ id: partnerWebhooks.id })
      .from(partnerWebhooks)
      .innerJoin(partners, eq(partners.id, partnerWebhooks.partnerId))
      .where(
        and(
          isNull(partnerWebhooks.disabledAt),
          isNull(partners.revokedAt),
          lt(partnerWebhooks.cursor, last),
          or(isNull(partnerWebhooks.pendingSince), lt(partnerWebhooks.pendingSince, new Date(now.getTime() - STALE_PENDING_MS))),
        ),
      );
    let queued = 0;
    for (const { id } of behind) {
      await database.db.transaction(async (tx) => {
        // Claim it first, so that two dispatchers (two worker processes) queue one job.
        const claimed = await tx
          .update(partnerWebhooks)
          .set({ pendingSince: now })
          .where(and(eq(partnerWebhooks.id, id), or(isNull(partnerWebhooks.pendingSince), lt(partnerWebhooks.pendingSince, new Date(now.getTime() - STALE_PENDING_MS)))))
          .returning({ id: partnerWebhooks.id });
        if (claimed.length === 0) return;
        await jobs.enqueue(tx, 'partner.webhook', { webhookId: id });
        queued++;
      });
    }
    return queued;
  }

  /**
   * The `partner.webhook` job: sends the batches after the cursor. Idempotent:
   * it starts from the stored cursor, so a retry after a crash resends at most
   * one batch (deliveries carry an id for the partner to drop a repeat).
   */
  async deliver(webhookId: string): Promise<'done' | 'nothing_to_do'> {
    const { database, masterKey, feed } = this.deps;
    const db = database.db;
    let sent = 0;
    for (let batch = 0; batch < BATCHES_PER_JOB; batch++) {
      const [hook] = await db
        .select({ hook: partnerWebhooks, revokedAt: partners.revokedAt })
        .from(partnerWebhooks)
        .innerJoin(partners, eq(partners.id, partnerWebhooks.partnerId))
        .where(eq(partnerWebhooks.id, webhookId));
      if (!hook || hook.hook.disabledAt !== null || hook.revokedAt !== null) break;
      const records = await feed.page(hook.hook.cursor, WEBHOOK_BATCH);
      if (records.length === 0) break;
      const secretBytes = decrypt(masterKey, hook.hook.secretEnc, `webhook:${webhookId}`);
      if (!secretBytes) throw new Error('webhook secret does not decrypt');
      const toSeq = records[records.length - 1]!.seq;
      const body: WebhookBody = { webhookId, deliveryId: randomUUID(), cursor: toSeq, records: records.map(nativeRecord) };
      const text = JSON.stringify(body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const started = performance.now();
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        statusCode = await postJson(
          hook.hook.url,
          { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signWebhook(new TextDecoder().decode(secretBytes), timestamp, text), 'x-disrupt-delivery': body.deliveryId },
          text,
          this.guard,
        );
        if (statusCode < 200 || statusCode > 299) error = `http_${statusCode}`;
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        error = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : code === 'EADDRNOTALLOWED' ? 'address_not_allowed' : 'unreachable';
      }
      const ms = Math.round(performance.now() - started);
      await db.transaction(async (tx) => {
        await tx.insert(webhookDeliveries).values({ webhookId, fromSeq: hook.hook.cursor, toSeq, count: records.length, statusCode, ok: error === null, error, ms });
        if (error === null) await tx.update(partnerWebhooks).set({ cursor: toSeq }).where(eq(partnerWebhooks.id, webhookId));
      });
      // Thrown, so that the job queue retries with backoff; the log has the details.
      if (error !== null) throw new Error(`webhook delivery failed: ${error}`);
      sent++;
    }
    await db.update(partnerWebhooks).set({ pendingSince: null }).where(eq(partnerWebhooks.id, webhookId));
    return sent > 0 ? 'done' : 'nothing_to_do';
  }

  /** Dispatches every `intervalMs` until stop() (worker role). */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.stopRepeating?.();
    this.stopRepeating = repeatEvery(intervalMs, () => this.dispatch(), onError);
  }

  stop(): void {
    this.stopRepeating?.();
    this.stopRepeating = null;
  }

  /** Why a webhook URL is refused, as the 400's message; null when it is acceptable. */
  private refusal(text: string): string | null {
    const general = this.deps.allowHttp ? 'the URL must be http(s), without credentials' : 'the URL must be https, to a public host, without credentials';
    // Stored as given: no control characters (PostgreSQL refuses NUL in text) or spaces.
    if (text.length > 2048 || /[\s\p{Cc}]/u.test(text) || !URL.canParse(text)) return general;
    const url = new URL(text);
    if (url.username !== '' || url.password !== '') return general;
    if (this.deps.allowHttp) return url.protocol === 'https:' || url.protocol === 'http:' ? null : general;
    // Otherwise https to a public host only: a partner must not make the worker call into the hotline's own network.
    const literal = hostLiteral(url.hostname);
    const verdict = literal === null ? null : PUBLIC_ADDRESSES_ONLY.judge(literal);
    if (verdict && !verdict.ok) {
      const range = verdict.reason === 'special_purpose' ? ` (${verdict.range}${verdict.embeddedIn ? ` inside ${verdict.embeddedIn}` : ''})` : '';
      return `the URL's host is not a public address${range}: webhooks go to https on public hosts only`;
    }
    return url.protocol === 'https:' && normaliseUrl(text).ok ? null : general;
  }
}
