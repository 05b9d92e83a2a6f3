// Holding bank entries for an analyst. Two ways in: at entry, a PDQ hash near
// a known benign image (the negative bank) — it never reaches partners, so it
// is quarantined *and hidden* from every feed; later, a hash several partners
// dispute — partners already have it, so it stays visible, as `quarantined`,
// and leaves their active set. Either way the analyst decides (restore or
// delete) through the console.
//
// This module depends on the schema only, so that the bank repository can call
// it from inside upsertSignal without an import cycle.

import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/database.ts';
import { BANK_REVIEW_REASONS, bankReviews } from '../db/schema.ts';

export type BankReviewReason = (typeof BANK_REVIEW_REASONS)[number];

/** The PDQ match distance: a hash this close to a benign image could be that image. */
export const NEGATIVE_BANK_RADIUS = 31;

/**
 * True when a PDQ hash (64 lower-case hex) lies within NEGATIVE_BANK_RADIUS of
 * a negative-bank entry. A scan in SQL (bit_count of the XOR): the negative
 * bank is an admin's list of known benign images, small next to the bank, and
 * this runs once per new hash, inside the transaction that would add it.
 */
export async function nearNegativeBank(tx: Executor, pdq: string, radius = NEGATIVE_BANK_RADIUS): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(
    tx,
    sql`select 1 as one from negative_bank where bit_count(('x' || value)::bit(256) # ('x' || ${pdq})::bit(256)) <= ${radius} limit 1`,
  );
  return rows.length > 0;
}

/** Opens (or reopens) the review of an entry. `hidden`: the entry never reached partners. */
export async function openBankReview(tx: Executor, entryId: number, reason: BankReviewReason, hidden: boolean, now: Date = new Date()): Promise<void> {
  await tx
    .insert(bankReviews)
    .values({ entryId, reason, hidden, openedAt: now })
    .onConflictDoUpdate({ target: bankReviews.entryId, set: { reason, hidden, openedAt: now, decidedAt: null, decidedBy: null, outcome: null } });
}
