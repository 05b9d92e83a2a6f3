// The admins' list of known benign images (the negative bank), and the
// analysts' decisions on bank entries held for review (held at entry near the
// negative bank, or disputed by partners).

import { asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { parsePdqHash } from '@disrupt/hashing';
import { appendAudit } from '../audit/audit.ts';
import type { BankIndex } from '../bank/bank-index.ts';
import { setStatus } from '../bank/bank.repository.ts';
import type { Database } from '../db/database.ts';
import { bankEntries, bankReviews, negativeBank } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { NEGATIVE_BANK_RADIUS, openBankReview } from './bank-hold.ts';

export type NegativeAddResult = { readonly index: number; readonly ok: true; readonly created: boolean } | { readonly index: number; readonly ok: false; readonly reason: 'malformed_pdq' };

export interface BankReviewView {
  readonly entryId: number;
  readonly signalType: string;
  readonly value: string;
  readonly verified: boolean;
  readonly reason: string;
  readonly hidden: boolean;
  readonly openedAt: string;
}

export class NegativeBankService {
  constructor(
    private readonly database: Database,
    private readonly bank: BankIndex,
  ) {}

  /**
   * Adds benign PDQ hashes. Active bank entries already within the match
   * distance of one are quarantined for an analyst (partners have them, so
   * they see the quarantine); new ones are held at entry from now on.
   */
  async add(items: readonly { readonly pdq: string; readonly label?: string | undefined }[], actor: string): Promise<{ results: NegativeAddResult[]; quarantined: number }> {
    const now = new Date();
    return this.database.db.transaction(async (tx) => {
      const results: NegativeAddResult[] = [];
      const near = new Set<number>();
      for (const [index, item] of items.entries()) {
        const parsed = parsePdqHash(item.pdq);
        if (!parsed.ok) {
          results.push({ index, ok: false, reason: 'malformed_pdq' });
          continue;
        }
        const inserted = await tx
          .insert(negativeBank)
          .values({ value: parsed.value, label: item.label ?? null, addedBy: actor })
          .onConflictDoNothing()
          .returning({ id: negativeBank.id });
        results.push({ index, ok: true, created: inserted.length > 0 });
        for (const match of this.bank.matchPdq(parsed.value, NEGATIVE_BANK_RADIUS)) near.add(match.entry.id);
      }
      let quarantined = 0;
      if (near.size > 0) {
        const active = await tx
          .select({ id: bankEntries.id })
          .from(bankEntries)
          .where(sql`${inArray(bankEntries.id, [...near])} and ${bankEntries.status} = 'active'`)
          .orderBy(asc(bankEntries.id));
        for (const { id } of active) {
          await setStatus(tx, id, 'quarantined');
          await openBankReview(tx, id, 'negative_bank', false, now);
          quarantined++;
        }
      }
      await appendAudit(tx, { actor, action: 'negative_bank.add', detail: { count: items.length, quarantined } });
      return { results, quarantined };
    });
  }

  async list(): Promise<{ id: number; value: string; label: string | null; createdAt: string }[]> {
    const rows = await this.database.db.select().from(negativeBank).orderBy(desc(negativeBank.id)).limit(10_000);
    return rows.map((r) => ({ id: r.id, value: r.value, label: r.label, createdAt: r.createdAt.toISOString() }));
  }

  async remove(id: number, actor: string): Promise<void> {
    await this.database.db.transaction(async (tx) => {
      const deleted = await tx.delete(negativeBank).where(eq(negativeBank.id, id)).returning({ id: negativeBank.id });
      if (deleted.length === 0) throw new AppError('not_found');
      await appendAudit(tx, { actor, action: 'negative_bank.remove', subject: `negative:${id}` });
    });
  }

  /** Entries waiting for an analyst, oldest first. */
  async openReviews(limit = 500): Promise<BankReviewView[]> {
    const rows = await this.database.db
      .select({ review: bankReviews, entry: bankEntries })
      .from(bankReviews)
      .innerJoin(bankEntries, eq(bankEntries.id, bankReviews.entryId))
      .where(isNull(bankReviews.decidedAt))
      .orderBy(asc(bankReviews.openedAt), asc(bankReviews.entryId))
      .limit(limit);
    return rows.map(({ review, entry }) => ({
      entryId: entry.id,
      signalType: entry.signalType,
      value: entry.value,
      verified: entry.verified,
      reason: review.reason,
      hidden: review.hidden,
      openedAt: review.openedAt.toISOString(),
    }));
  }

  /**
   * An analyst's decision: `restored` puts the entry back in the active bank
   * (and in every feed), `deleted` makes it a tombstone (an entry that never
   * reached partners stays hidden).
   */
  async decide(entryId: number, outcome: 'restored' | 'deleted', userId: string): Promise<void> {
    const now = new Date();
    await this.database.db.transaction(async (tx) => {
      const [review] = await tx.select().from(bankReviews).where(eq(bankReviews.entryId, entryId)).for('update');
      if (!review || review.decidedAt !== null) throw new AppError('not_found');
      await setStatus(tx, entryId, outcome === 'restored' ? 'active' : 'deleted');
      await tx
        .update(bankReviews)
        .set({ decidedAt: now, decidedBy: userId, outcome, hidden: outcome === 'restored' ? false : review.hidden })
        .where(eq(bankReviews.entryId, entryId));
      await appendAudit(tx, { actor: `user:${userId}`, action: 'bank.review', subject: `bank:${entryId}`, detail: { reason: review.reason, outcome } });
    });
  }
}
