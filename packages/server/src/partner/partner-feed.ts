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
import { and, asc, eq, gt, lte, min, notExists, sql } from 'drizzle-orm';
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

interface SeqRange {
  readonly after: number;
  readonly upTo: number;
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
    const rows = await db
      .select({
        id: bankEntries.id,
        seq: bankEntries.seq,
        signalType: bankEntries.signalType,
        value: bankEntries.value,
        quality: bankEntries.quality,
        verified: bankEntries.verified,
        status: bankEntries.status,
        updatedAt: bankEntries.updatedAt,
      })
      .from(bankEntries)
      .where(and(gt(bankEntries.seq, afterSeq), notExists(this.heldAtEntry())))
      .orderBy(asc(bankEntries.seq))
      .limit(limit);
    if (rows.length === 0) return [];
    const range = { after: afterSeq, upTo: rows[rows.length - 1]!.seq };
    const refs = await this.caseRefs(range);
    const opinions = await this.opinions(range);
    return rows.map((r) => ({
      entryId: r.id,
      seq: r.seq,
      signalType: r.signalType,
      value: r.value,
      quality: r.quality,
      verified: r.verified,
      status: r.status,
      updatedAt: r.updatedAt,
      cases: refs.get(r.seq) ?? [],
      feedback: opinions.get(r.seq) ?? [],
    }));
  }

  /**
   * The same records as `page`, already as NDJSON lines of NativeRecord, for
   * full syncs of millions of records. The database writes the lines (one
   * value a page instead of eight a record: that is what makes a full sync of
   * a million records take seconds, on PGlite too); the few records that
   * cases or partners' opinions enrich are patched here.
   */
  async ndjsonPage(afterSeq: number, limit: number): Promise<{ text: string; count: number; lastSeq: number }> {
    const [row] = await queryRows<{ text: string | null; n: number; last: number | null }>(
      this.database.db,
      sql`select string_agg(json_build_object(
                 'seq', e.seq, 'signalType', e.signal_type, 'value', e.value, 'quality', e.quality, 'verified', e.verified,
                 'reviewBeforeAction', not e.verified, 'status', e.status, 'cases', '[]'::json,
                 'feedback', json_build_object('pendingReview', 0, 'blocked', 0, 'notBlocked', 0),
                 'changedAt', to_char(e.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text, E'\n' order by e.seq) as text,
               count(*)::int as n, max(e.seq)::float8 as last
          from (select * from bank_entries e
                where e.seq > ${afterSeq}
                  and not exists (select 1 from bank_reviews r where r.entry_id = e.id and r.hidden)
                order by e.seq limit ${limit}) e`,
    );
    if (!row || row.n === 0 || row.text === null || row.last === null) return { text: '', count: 0, lastSeq: afterSeq };
    const range = { after: afterSeq, upTo: row.last };
    const refs = await this.caseRefs(range);
    const opinions = await this.opinions(range);
    if (refs.size === 0 && opinions.size === 0) return { text: `${row.text}\n`, count: row.n, lastSeq: row.last };
    const lines = row.text.split('\n').map((line) => {
      const seq = Number(/^\{"seq" : (\d+)/.exec(line)?.[1]);
      const cases = refs.get(seq);
      const feedback = opinions.get(seq);
      if (!cases && !feedback) return line;
      const record = JSON.parse(line) as NativeRecord;
      return JSON.stringify({ ...record, cases: cases ?? [], feedback: summariseFeedback(feedback ?? []) });
    });
    return { text: `${lines.join('\n')}\n`, count: row.n, lastSeq: row.last };
  }

  private heldAtEntry() {
    return this.database.db
      .select({ one: sql`1` })
      .from(bankReviews)
      .where(and(eq(bankReviews.entryId, bankEntries.id), eq(bankReviews.hidden, true)));
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

  /** Case references of the entries whose latest change is in (after, upTo], by sequence number. */
  private async caseRefs(range: SeqRange): Promise<Map<number, { ref: string; status: CaseRefStatus }[]>> {
    const rows = await this.database.db
      .select({ seq: bankEntries.seq, caseId: cases.id, caseStatus: cases.status, decision: caseItems.decision })
      .from(itemBankEntries)
      .innerJoin(bankEntries, eq(bankEntries.id, itemBankEntries.entryId))
      .innerJoin(caseItems, eq(caseItems.id, itemBankEntries.itemId))
      .innerJoin(cases, eq(cases.id, caseItems.caseId))
      .where(and(gt(bankEntries.seq, range.after), lte(bankEntries.seq, range.upTo)))
      .orderBy(asc(bankEntries.seq), asc(cases.id));
    const result = new Map<number, { ref: string; status: CaseRefStatus }[]>();
    for (const row of rows) {
      const status: CaseRefStatus =
        row.caseStatus === 'withdrawn' ? 'withdrawn' : row.decision === null ? 'received' : ['ncii_adult', 'ncii_minor', 'duplicate'].includes(row.decision) ? 'active' : 'withdrawn';
      const ref = this.caseRef(row.caseId);
      const list = result.get(row.seq) ?? [];
      const same = list.find((c) => c.ref === ref);
      // One case may hold a hash through several items: the most affirmative stand wins.
      if (same) {
        if (rank(status) > rank(same.status)) same.status = status;
      } else list.push({ ref, status });
      result.set(row.seq, list);
    }
    return result;
  }

  /** Each partner's latest opinion on the entries whose latest change is in (after, upTo], by sequence number. */
  private async opinions(range: SeqRange): Promise<Map<number, { source: string; value: FeedbackValue; tags: string[] }[]>> {
    const rows = await queryRows<{ seq: string | number; source: string; value: FeedbackValue; tags: string[] }>(
      this.database.db,
      sql`select distinct on (f.entry_id, f.partner_id) e.seq, p.name as source, f.value, f.tags
          from bank_entries e
          join partner_feedback f on f.entry_id = e.id
          join partners p on p.id = f.partner_id
          where e.seq > ${range.after} and e.seq <= ${range.upTo}
          order by f.entry_id, f.partner_id, f.id desc`,
    );
    const result = new Map<number, { source: string; value: FeedbackValue; tags: string[] }[]>();
    for (const row of rows) {
      const seq = Number(row.seq);
      const list = result.get(seq) ?? [];
      list.push({ source: row.source, value: row.value, tags: row.tags });
      result.set(seq, list);
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
