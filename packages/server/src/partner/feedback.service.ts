// What partners tell us, and what follows from it.
//
// Feedback (PendingReview, Blocked, NotBlocked) is appended, never updated:
// a partner's latest word on a hash is its current opinion, the history
// decides disputes. A Blocked adds a step to the victim's item history ("a
// partner blocked a copy") when partners acted on that item's own record. A
// hash that several partners dispute and none confirms is quarantined — it
// leaves every partner's active set — until an analyst restores or deletes it.
//
// Partners may also submit hashes of their own (StopNCII's SubmitHashes):
// they enter the bank unverified, so every other partner reviews before acting.

import { and, count, countDistinct, desc, eq, gt, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { type Md5Hash, type PdqHash, parseMd5, parsePdqHash } from '@disrupt/hashing';
import { appendAudit } from '../audit/audit.ts';
import type { Key } from '../crypto/envelope.ts';
import { claimIdempotency, completeIdempotency } from '../idempotency.ts';
import { type SignalType, findSignal, setStatus, upsertSignal } from '../bank/bank.repository.ts';
import { MIN_PDQ_QUALITY } from '../cases/items.ts';
import { type Database, type Executor, queryRows } from '../db/database.ts';
import { bankEntries, bankReviews, caseItems, cases, itemBankEntries, itemEvents, partnerFeedback, partners } from '../db/schema.ts';
import { openBankReview } from './bank-hold.ts';
import type { FeedbackValue } from './partner-feed.ts';
import type { PartnerCaller } from './partner.service.ts';

export interface DisputeRule {
  /** NotBlocked answers needed (since the last analyst decision on the hash). */
  readonly minNotBlocked: number;
  /** …from at least this many partners. */
  readonly minPartners: number;
}

export const DEFAULT_DISPUTE_RULE: DisputeRule = { minNotBlocked: 3, minPartners: 2 };
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 100;

export interface FeedbackInput {
  readonly signalType: SignalType;
  readonly value: string;
  readonly feedback: FeedbackValue;
  readonly tags?: readonly string[] | undefined;
  readonly url?: string | null | undefined;
}

export type FeedbackResult =
  | { readonly index: number; readonly ok: true; readonly duplicate: boolean }
  | { readonly index: number; readonly ok: false; readonly reason: 'unknown_hash' | 'malformed_hash' };

export interface SubmittedHash {
  readonly signalType: 'pdq' | 'md5';
  readonly value: string;
  /** PDQ quality when the partner knows it (StopNCII records carry none). */
  readonly quality?: number | null | undefined;
  readonly feedback?: readonly { readonly value: FeedbackValue; readonly tags: readonly string[] }[] | undefined;
}

export type SubmitResult =
  | { readonly index: number; readonly ok: true; readonly created: boolean }
  | { readonly index: number; readonly ok: false; readonly reason: 'malformed_hash' | 'low_quality' };

/** The canonical value of a hash (lower-case hex), or null when it is not one. */
export function canonicalHash(signalType: 'pdq' | 'md5', value: string): PdqHash | Md5Hash | null {
  const parsed = signalType === 'pdq' ? parsePdqHash(value) : parseMd5(value);
  return parsed.ok ? parsed.value : null;
}

export interface FeedbackDeps {
  readonly database: Database;
  readonly masterKey: Key;
  readonly rule?: DisputeRule;
  readonly now?: () => Date;
}

/** A batch's answer, or the answer already given to the same Idempotency-Key. */
export interface Answered<R> {
  readonly results: R[];
  readonly replayed: boolean;
}

export class FeedbackService {
  private readonly database: Database;
  private readonly rule: DisputeRule;
  private readonly now: () => Date;

  constructor(private readonly deps: FeedbackDeps) {
    this.database = deps.database;
    this.rule = deps.rule ?? DEFAULT_DISPUTE_RULE;
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Runs a batch in one transaction. With an Idempotency-Key, a retried
   * request gets the first answer and is not applied twice; the same key with
   * another body is refused (422).
   */
  private async once<R>(caller: PartnerCaller, operation: string, idempotencyKey: string | undefined, body: unknown, work: (tx: Executor) => Promise<R[]>): Promise<Answered<R>> {
    return this.database.db.transaction(async (tx) => {
      if (idempotencyKey === undefined) return { results: await work(tx), replayed: false };
      const request = { scope: `partner:${caller.partnerId}:${operation}`, key: idempotencyKey, body };
      const claim = await claimIdempotency(tx, this.deps.masterKey, request);
      if (claim.replay) return { results: claim.response.results as R[], replayed: true };
      const results = await work(tx);
      await completeIdempotency(tx, this.deps.masterKey, request, 200, { results });
      return { results, replayed: false };
    });
  }

  /** Records a batch of feedback, item by item. */
  async feedback(caller: PartnerCaller, items: readonly FeedbackInput[], options: { readonly idempotencyKey?: string | undefined; readonly action?: string } = {}): Promise<Answered<FeedbackResult>> {
    const now = this.now();
    const action = options.action ?? 'partner.feedback';
    return this.once(caller, 'feedback', options.idempotencyKey, items, async (tx) => {
      const results: FeedbackResult[] = [];
      const disputed = new Set<number>();
      const tally: Record<FeedbackValue, number> = { PendingReview: 0, Blocked: 0, NotBlocked: 0 };
      for (const [index, item] of items.entries()) {
        const value = item.signalType === 'vpdq' ? item.value : canonicalHash(item.signalType, item.value);
        if (value === null) {
          results.push({ index, ok: false, reason: 'malformed_hash' });
          continue;
        }
        const entry = await findSignal(tx, item.signalType, value);
        if (!entry || (await isHidden(tx, entry.id))) {
          results.push({ index, ok: false, reason: 'unknown_hash' });
          continue;
        }
        const outcome = await this.record(tx, caller, entry.id, item, now);
        if (outcome === 'duplicate') {
          results.push({ index, ok: true, duplicate: true });
          continue;
        }
        tally[item.feedback]++;
        if (item.feedback === 'NotBlocked') disputed.add(entry.id);
        results.push({ index, ok: true, duplicate: false });
      }
      for (const entryId of disputed) await this.checkDispute(tx, entryId, now);
      await appendAudit(tx, {
        actor: `partner:${caller.partnerId}`,
        action,
        subject: `partner:${caller.partnerId}`,
        detail: { count: items.length, blocked: tally.Blocked, notBlocked: tally.NotBlocked, pendingReview: tally.PendingReview },
      });
      return results;
    });
  }

  /** Adds partner-submitted hashes to the bank, unverified, with the partner's own feedback on each. */
  async submitHashes(caller: PartnerCaller, items: readonly SubmittedHash[], options: { readonly idempotencyKey?: string | undefined } = {}): Promise<Answered<SubmitResult>> {
    const now = this.now();
    return this.once(caller, 'hashes', options.idempotencyKey, items, async (tx) => {
      const results: SubmitResult[] = [];
      let created = 0;
      for (const [index, item] of items.entries()) {
        const value = canonicalHash(item.signalType, item.value);
        if (value === null) {
          results.push({ index, ok: false, reason: 'malformed_hash' });
          continue;
        }
        const quality = item.signalType === 'pdq' ? (item.quality ?? null) : null;
        if (quality !== null && quality < MIN_PDQ_QUALITY) {
          results.push({ index, ok: false, reason: 'low_quality' });
          continue;
        }
        const upserted = await upsertSignal(tx, { signalType: item.signalType, value, quality, verified: false });
        if (upserted.created) created++;
        for (const fb of item.feedback ?? []) await this.record(tx, caller, upserted.entryId, { signalType: item.signalType, value, feedback: fb.value, tags: fb.tags }, now);
        results.push({ index, ok: true, created: upserted.created });
      }
      await appendAudit(tx, { actor: `partner:${caller.partnerId}`, action: 'partner.submit_hashes', subject: `partner:${caller.partnerId}`, detail: { count: items.length, created } });
      return results;
    });
  }

  /** Appends one opinion unless it repeats the partner's current one word for word (a replayed request counts once). */
  private async record(tx: Executor, caller: PartnerCaller, entryId: number, item: FeedbackInput, now: Date): Promise<'recorded' | 'duplicate'> {
    const tags = [...new Set(item.tags ?? [])].sort();
    const url = item.url ?? null;
    const [latest] = await tx
      .select({ value: partnerFeedback.value, tags: partnerFeedback.tags, url: partnerFeedback.url })
      .from(partnerFeedback)
      .where(and(eq(partnerFeedback.entryId, entryId), eq(partnerFeedback.partnerId, caller.partnerId)))
      .orderBy(desc(partnerFeedback.id))
      .limit(1);
    if (latest && latest.value === item.feedback && latest.url === url && JSON.stringify(latest.tags) === JSON.stringify(tags)) return 'duplicate';
    await tx.insert(partnerFeedback).values({ entryId, partnerId: caller.partnerId, value: item.feedback, tags, url, createdAt: now });
    if (item.feedback === 'Blocked' && latest?.value !== 'Blocked') await blockedByPartner(tx, entryId, now);
    // The opinions are part of the record partners sync: the entry takes a new
    // change number (same status), so the feed, webhooks and StopNCII
    // checkpoints carry the new aggregate.
    const [entry] = await tx.select({ status: bankEntries.status }).from(bankEntries).where(eq(bankEntries.id, entryId));
    if (entry) await setStatus(tx, entryId, entry.status);
    return 'recorded';
  }

  /**
   * Quarantines an active entry that enough partners dispute and none
   * currently confirms. Only feedback since the last analyst decision counts,
   * so a hash an analyst restored is not quarantined again by the old answers.
   */
  private async checkDispute(tx: Executor, entryId: number, now: Date): Promise<void> {
    const [entry] = await tx.select({ status: bankEntries.status }).from(bankEntries).where(eq(bankEntries.id, entryId));
    if (entry?.status !== 'active') return;
    const [review] = await tx.select({ decidedAt: bankReviews.decidedAt }).from(bankReviews).where(eq(bankReviews.entryId, entryId));
    const since = review?.decidedAt ?? new Date(0);
    const [tally] = await tx
      .select({ n: count(), partners: countDistinct(partnerFeedback.partnerId) })
      .from(partnerFeedback)
      .where(and(eq(partnerFeedback.entryId, entryId), eq(partnerFeedback.value, 'NotBlocked'), gt(partnerFeedback.createdAt, since)));
    if (!tally || tally.n < this.rule.minNotBlocked || tally.partners < this.rule.minPartners) return;
    const confirmed = await queryRows<{ one: number }>(
      tx,
      sql`select 1 as one from (select distinct on (partner_id) value from partner_feedback where entry_id = ${entryId} order by partner_id, id desc) latest where latest.value = 'Blocked' limit 1`,
    );
    if (confirmed.length > 0) return;
    await setStatus(tx, entryId, 'quarantined');
    await openBankReview(tx, entryId, 'disputed', false, now);
    await appendAudit(tx, { actor: 'system', action: 'bank.quarantine', subject: `bank:${entryId}`, detail: { reason: 'disputed', notBlocked: tally.n, partners: tally.partners } });
  }
}

async function isHidden(tx: Executor, entryId: number): Promise<boolean> {
  const [row] = await tx.select({ hidden: bankReviews.hidden }).from(bankReviews).where(eq(bankReviews.entryId, entryId));
  return row?.hidden === true;
}

/**
 * A partner blocked a copy: the step goes into the history of each item whose
 * own record partners acted on — and only those. An entry is shared by every
 * case holding its hash, and partners act on the record as the bank shows it
 * (active, verified or not). An item sees the feedback when that record is
 * what the item alone would have put there: the entry is active, the item
 * still holds it (undecided or accepted), and it is verified only if this
 * item's own decision accepted it. A case that merely holds a hash another
 * case or the operator verified sees nothing: otherwise anyone holding an
 * image could add its hash and wait for partners to reveal that a victim
 * reported it (issue #14). Applied when the feedback is recorded, so only to
 * items that held the entry by then.
 */
async function blockedByPartner(tx: Executor, entryId: number, now: Date): Promise<void> {
  const [entry] = await tx.select({ status: bankEntries.status, verified: bankEntries.verified }).from(bankEntries).where(eq(bankEntries.id, entryId));
  if (entry?.status !== 'active') return;
  const accepted = inArray(caseItems.decision, ['ncii_adult', 'ncii_minor', 'duplicate']);
  const items = await tx
    .select({ id: caseItems.id })
    .from(itemBankEntries)
    .innerJoin(caseItems, eq(caseItems.id, itemBankEntries.itemId))
    .innerJoin(cases, eq(cases.id, caseItems.caseId))
    .where(and(eq(itemBankEntries.entryId, entryId), eq(cases.status, 'open'), entry.verified ? accepted : or(isNull(caseItems.decision), accepted)));
  if (items.length === 0) return;
  const ids = items.map((i) => i.id);
  await tx.insert(itemEvents).values(ids.map((itemId) => ({ itemId, status: 'partner_blocked' as const, at: now })));
  // The item's headline status moves on only from the sharing stage; a later stage (notified, removed) stays.
  await tx
    .update(caseItems)
    .set({ status: 'partner_blocked', updatedAt: now })
    .where(and(inArray(caseItems.id, ids), inArray(caseItems.status, ['hashed', 'shared'])));
}

/** Partner feedback over a period, for the console's statistics: counts only. */
export async function partnerStats(db: Executor, period: { readonly from: Date; readonly to: Date }) {
  const rows = await db
    .select({ key: partnerFeedback.value, n: count(), partners: countDistinct(partnerFeedback.partnerId) })
    .from(partnerFeedback)
    .where(and(gte(partnerFeedback.createdAt, period.from), lt(partnerFeedback.createdAt, period.to)))
    .groupBy(partnerFeedback.value);
  const perPartner = await db
    .select({ name: partners.name, key: partnerFeedback.value, n: count() })
    .from(partnerFeedback)
    .innerJoin(partners, eq(partners.id, partnerFeedback.partnerId))
    .where(and(gte(partnerFeedback.createdAt, period.from), lt(partnerFeedback.createdAt, period.to)))
    .groupBy(partners.name, partnerFeedback.value);
  const byPartner = new Map<string, Record<FeedbackValue, number>>();
  for (const row of perPartner) {
    const counts = byPartner.get(row.name) ?? { PendingReview: 0, Blocked: 0, NotBlocked: 0 };
    counts[row.key] = row.n;
    byPartner.set(row.name, counts);
  }
  const [quarantined] = await db.select({ n: count() }).from(bankEntries).where(eq(bankEntries.status, 'quarantined'));
  const [openReviews] = await db.select({ n: count() }).from(bankReviews).where(sql`${bankReviews.decidedAt} is null`);
  return {
    feedback: Object.fromEntries(rows.map((r) => [r.key, r.n])) as Partial<Record<FeedbackValue, number>>,
    blockedByPartners: rows.find((r) => r.key === 'Blocked')?.partners ?? 0,
    /** Each partner's feedback in the period, by value, partners in name order. */
    byPartner: [...byPartner.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, counts]) => ({ name, ...counts })),
    quarantined: quarantined?.n ?? 0,
    openBankReviews: openReviews?.n ?? 0,
  };
}
