// What partners receive of the bank: every entry in the order of its latest
// change (the bank's change sequence), as its current snapshot, with opaque
// references to the cases that hold it and the partners' current opinions.
//
// Why the feed is ordered by the sequence and never by time alone: a partner
// that replayed "withdrawn" before "added" would resurrect a hash the victim
// took back. Each entry appears once, at its latest change, so replaying a
// page in order always leaves the partner with the bank's current state.
// Tombstones (withdrawn, deleted, quarantined) stay in the feed for ever.
// Entries held at entry (near the negative bank) never reached partners and
// are left out while the hold lasts.

import { createHmac } from 'node:crypto';
import { and, asc, eq, gt, inArray, min, notExists, sql } from 'drizzle-orm';
import { type BankStatus, type SignalType } from '../bank/bank.repository.ts';
import { type Key, deriveKey } from '../crypto/envelope.ts';
import { type Database, queryRows } from '../db/database.ts';
import { FEEDBACK_VALUES, bankEntries, bankReviews, caseItems, cases, itemBankEntries } from '../db/schema.ts';

export type FeedbackValue = (typeof FEEDBACK_VALUES)[number];
/** A case's stand on a hash: received (not yet reviewed), active (an analyst confirmed it), withdrawn (rejected or taken back). */
export type CaseRefStatus = 'received' | 'active' | 'withdrawn';

export interface FeedRecord {
  readonly entryId: number;
  readonly seq: number;
  readonly signalType: SignalType;
  readonly value: string;
  readonly quality: number | null;
  readonly verified: boolean;
  readonly status: BankStatus;
  readonly updatedAt: Date;
  /** Opaque, stable per case (an HMAC of its id): partners can tell two cases apart, never identify one. */
  readonly cases: { ref: string; status: CaseRefStatus }[];
  /** Each partner's current opinion (its latest feedback). */
  readonly feedback: readonly { readonly source: string; readonly value: FeedbackValue; readonly tags: readonly string[] }[];
}

export interface FeedbackSummary {
  readonly pendingReview: number;
  readonly blocked: number;
  readonly notBlocked: number;
}

export function summariseFeedback(feedback: FeedRecord['feedback']): FeedbackSummary {
  let pendingReview = 0;
  let blocked = 0;
  let notBlocked = 0;
  for (const f of feedback) {
    if (f.value === 'Blocked') blocked++;
    else if (f.value === 'NotBlocked') notBlocked++;
    else pendingReview++;
  }
  return { pendingReview, blocked, notBlocked };
}

export class PartnerFeed {
  private readonly refKey: Key;

  constructor(
    private readonly database: Database,
    masterKey: Key,
  ) {
    this.refKey = deriveKey(masterKey, 'partner-case-ref', new Uint8Array(0));
  }

  /** Up to `limit` records changed after `afterSeq`, in sequence order. */
  async page(afterSeq: number, limit: number): Promise<FeedRecord[]> {
    const db = this.database.db;
    const hidden = db
      .select({ one: sql`1` })
      .from(bankReviews)
      .where(and(eq(bankReviews.entryId, bankEntries.id), eq(bankReviews.hidden, true)));
    const rows = await db
      .select()
      .from(bankEntries)
      .where(and(gt(bankEntries.seq, afterSeq), notExists(hidden)))
      .orderBy(asc(bankEntries.seq))
      .limit(limit);
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const refs = await this.caseRefs(ids);
    const opinions = await this.opinions(ids);
    return rows.map((r) => ({
      entryId: r.id,
      seq: r.seq,
      signalType: r.signalType,
      value: r.value,
      quality: r.quality,
      verified: r.verified,
      status: r.status,
      updatedAt: r.updatedAt,
      cases: refs.get(r.id) ?? [],
      feedback: opinions.get(r.id) ?? [],
    }));
  }

  /** The latest sequence number in the bank (0 when empty). */
  async lastSeq(): Promise<number> {
    const [row] = await queryRows<{ seq: string | number | null }>(this.database.db, sql`select max(seq) as seq from bank_entries`);
    return Number(row?.seq ?? 0);
  }

  /**
   * The cursor from which a sync by time resumes: just before the first change
   * at or after `at`, or null when nothing changed since. Sequence and change
   * time grow together (a change takes its number and its time under the
   * bank's write lock), so "after this cursor" is "changed since `at`".
   */
  async cursorAtTime(at: Date): Promise<number | null> {
    const [row] = await this.database.db
      .select({ seq: min(bankEntries.seq) })
      .from(bankEntries)
      .where(sql`${bankEntries.updatedAt} >= ${at.toISOString()}`);
    const seq = row?.seq;
    return seq === null || seq === undefined ? null : seq - 1;
  }

  caseRef(caseId: string): string {
    const b = createHmac('sha256', this.refKey).update(caseId).digest().subarray(0, 16);
    // Shaped as a UUID (version 8, "custom"), as StopNCII's case numbers are.
    b[6] = (b[6]! & 0x0f) | 0x80;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  private async caseRefs(entryIds: readonly number[]): Promise<Map<number, { ref: string; status: CaseRefStatus }[]>> {
    const rows = await this.database.db
      .select({ entryId: itemBankEntries.entryId, caseId: cases.id, caseStatus: cases.status, decision: caseItems.decision })
      .from(itemBankEntries)
      .innerJoin(caseItems, eq(caseItems.id, itemBankEntries.itemId))
      .innerJoin(cases, eq(cases.id, caseItems.caseId))
      .where(inArray(itemBankEntries.entryId, [...entryIds]))
      .orderBy(asc(itemBankEntries.entryId), asc(cases.id));
    const result = new Map<number, { ref: string; status: CaseRefStatus }[]>();
    for (const row of rows) {
      const status: CaseRefStatus =
        row.caseStatus === 'withdrawn' ? 'withdrawn' : row.decision === null ? 'received' : ['ncii_adult', 'ncii_minor', 'duplicate'].includes(row.decision) ? 'active' : 'withdrawn';
      const ref = this.caseRef(row.caseId);
      const list = result.get(row.entryId) ?? [];
      const same = list.find((c) => c.ref === ref);
      // One case may hold a hash through several items: the most affirmative stand wins.
      if (same) {
        if (rank(status) > rank(same.status)) same.status = status;
      } else list.push({ ref, status });
      result.set(row.entryId, list);
    }
    return result;
  }

  private async opinions(entryIds: readonly number[]): Promise<Map<number, { source: string; value: FeedbackValue; tags: string[] }[]>> {
    const rows = await queryRows<{ entry_id: string | number; source: string; value: FeedbackValue; tags: string[] }>(
      this.database.db,
      sql`select distinct on (f.entry_id, f.partner_id) f.entry_id, p.name as source, f.value, f.tags
          from partner_feedback f join partners p on p.id = f.partner_id
          where f.entry_id in (${sql.join(entryIds.map((id) => sql`${id}`), sql`, `)})
          order by f.entry_id, f.partner_id, f.id desc`,
    );
    const result = new Map<number, { source: string; value: FeedbackValue; tags: string[] }[]>();
    for (const row of rows) {
      const id = Number(row.entry_id);
      const list = result.get(id) ?? [];
      list.push({ source: row.source, value: row.value, tags: row.tags });
      result.set(id, list);
    }
    for (const list of result.values()) list.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    return result;
  }
}

function rank(status: CaseRefStatus): number {
  return status === 'active' ? 2 : status === 'received' ? 1 : 0;
}

/** A record as the native API and webhooks send it. */
export interface NativeRecord {
  readonly seq: number;
  readonly signalType: SignalType;
  readonly value: string;
  readonly quality: number | null;
  readonly verified: boolean;
  readonly reviewBeforeAction: boolean;
  readonly status: BankStatus;
  readonly cases: { ref: string; status: CaseRefStatus }[];
  readonly feedback: FeedbackSummary;
  readonly changedAt: string;
}

export function nativeRecord(r: FeedRecord): NativeRecord {
  return {
    seq: r.seq,
    signalType: r.signalType,
    value: r.value,
    quality: r.quality,
    verified: r.verified,
    // Unverified hashes came from a victim's device or a partner, unseen by an analyst: match, then review before acting.
    reviewBeforeAction: !r.verified,
    status: r.status,
    cases: r.cases,
    feedback: summariseFeedback(r.feedback),
    changedAt: r.updatedAt.toISOString(),
  };
}
