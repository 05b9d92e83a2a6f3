// The analysts' review queue: what needs a human decision, minors first
// (then ages the victim was unsure of), then the oldest; one analyst at a time per item (a claim that lapses after
// CLAIM_MINUTES, when another analyst may take the item over);
// decisions from a fixed taxonomy that change the bank and erase the media.
//
// What is reviewable: URLs (someone must look at the page and send a notice)
// and media a victim sent for verification. Fingerprints sent in private mode
// have no pixels to look at: they stay unverified in the bank.

import { parseMd5, parsePdqHash } from '@disrupt/hashing';
import { SNIFF_BYTES, mediaType, sniff, videoStill, withUnlinkedFile } from '@disrupt/media';
import { and, asc, count, desc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { type Key, decrypt, unwrapKey } from '../crypto/envelope.ts';
import { appendAudit } from '../audit/audit.ts';
import { type BankIndex, framesOf } from '../bank/bank-index.ts';
import { type BankEntry, entriesOfItems, verifyItemEntries, withdrawRejectedItemEntries } from '../bank/bank.repository.ts';
import { matchesVerified } from '../bank/known-verified.ts';
import { type Database, type Executor, queryRows } from '../db/database.ts';
import { DECISIONS, ITEM_STATUSES, NOT_ACTIONABLE_REASONS, auditLog, caseItems, cases, itemBankEntries, itemEvents, mediaObjects } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { MediaStore } from '../media/media-store.ts';
import { mediaError } from '../media/hash-bytes.ts';

export type Decision = (typeof DECISIONS)[number];
export type NotActionableReason = (typeof NOT_ACTIONABLE_REASONS)[number];

export interface QueueEntry {
  readonly itemId: string;
  readonly kind: 'url' | 'photo' | 'video';
  readonly ageGroup: 'minor' | 'adult' | 'unsure';
  readonly host: string | null;
  readonly createdAt: string;
  readonly claimedBy: string | null;
  readonly claimExpiresAt: string | null;
  /** The item's place in its case (1, 2, …) and how many items the case has: "photo 3 of 40". */
  readonly position: number;
  readonly caseItemCount: number;
}

export interface DecisionInput {
  readonly decision: Decision;
  readonly aiGenerated?: boolean | undefined;
  readonly reason?: NotActionableReason | undefined;
}

export interface ItemDetail {
  readonly item: {
    readonly id: string;
    readonly position: number;
    readonly kind: 'url' | 'photo' | 'video';
    readonly url: string | null;
    readonly host: string | null;
    readonly status: (typeof ITEM_STATUSES)[number];
    readonly decision: Decision | null;
    readonly decisionAiGenerated: boolean | null;
    readonly decisionReason: string | null;
    readonly decidedAt: string | null;
    readonly createdAt: string;
    readonly notifiedAt: string | null;
    readonly removedAt: string | null;
    readonly claimedBy: string | null;
    readonly claimExpiresAt: string | null;
    readonly hasMedia: boolean;
    /** Where the item's file stands: here to preview, never sent (fingerprints only), or erased — and why. */
    readonly media: MediaState;
  };
  readonly case: {
    readonly id: string;
    readonly status: 'open' | 'withdrawn';
    readonly situation: 'online' | 'at_risk';
    readonly ageGroup: 'minor' | 'adult' | 'unsure';
    readonly aiGenerated: 'yes' | 'no' | 'unsure';
    readonly language: 'fr' | 'en';
    readonly description: string | null;
    readonly createdAt: string;
    readonly itemCount: number;
  };
  readonly bank: { readonly signalType: string; readonly verified: boolean; readonly status: string }[];
  readonly matches: ItemMatch[];
}

/**
 * A bank entry near one of the item's own: a near-duplicate the hotline
 * already holds. What it says of the other case is only whether it is this
 * one; an analyst deciding this item has no business reading another victim's case.
 */
export const MEDIA_STATES = ['available', 'never_sent', 'erased_decided', 'erased_withdrawn', 'erased_expired'] as const;
export type MediaState = (typeof MEDIA_STATES)[number];

/**
 * An item's file, from its media rows: none at all means only fingerprints
 * were ever sent; in a withdrawn case it is gone (its key is); one not
 * erased is available; erased, it was for the decision (erased as it was
 * made), or else by the retention job (nobody decided in time).
 */
export function mediaStateOf(rows: readonly { deletedAt: Date | null }[], decidedAt: Date | null, caseStatus: 'open' | 'withdrawn'): MediaState {
  if (rows.length === 0) return 'never_sent';
  // Withdrawal destroys the case's key at once; the blobs go with the next retention run.
  if (caseStatus === 'withdrawn') return 'erased_withdrawn';
  if (rows.some((r) => r.deletedAt === null)) return 'available';
  const erasedAt = Math.max(...rows.map((r) => r.deletedAt!.getTime()));
  return decidedAt !== null && erasedAt >= decidedAt.getTime() ? 'erased_decided' : 'erased_expired';
}

export interface ItemMatch {
  readonly signalType: string;
  /** Hamming distance for PDQ (at most MATCH_DISTANCE); 0 for an exact MD5; null for vPDQ (see `frames`). */
  readonly distance: number | null;
  /** For vPDQ: the share (percent) of this video's distinct frames found in the bank's video, and of the bank video's found in this one. */
  readonly frames: { readonly item: number; readonly bank: number } | null;
  readonly verified: boolean;
  readonly status: string;
  /** Whether an item of this item's own case holds the entry. */
  readonly sameCase: boolean;
  /** The latest analyst decision on an item that holds the entry, if any. */
  readonly decision: Decision | null;
}

/** The PDQ match distance (as for partners and the review of new media). */
export const MATCH_DISTANCE = 31;
/** At most this many matches in an item's detail, the nearest first. */
export const MAX_ITEM_MATCHES = 20;

/** The part of the in-memory bank the review needs: near and exact lookups. */
export type BankLookup = Pick<BankIndex, 'matchPdq' | 'matchMd5' | 'matchVpdq'>;

export interface CaseItemSummary {
  readonly id: string;
  readonly position: number;
  readonly kind: 'url' | 'photo' | 'video';
  readonly host: string | null;
  readonly status: (typeof ITEM_STATUSES)[number];
  readonly decision: Decision | null;
}

export const CLAIM_MINUTES = 15;
/** Previews: small, grey and blurred, so an analyst sees the kind of picture, not the person. */
export const PREVIEW_SIZE = 256;
const PREVIEW_BLUR_SIGMA = 8;

interface QueueRow {
  item_id: string;
  kind: QueueEntry['kind'];
  age_group: QueueEntry['ageGroup'];
  host: string | null;
  created_at: string | Date;
  claimed_by: string | null;
  claim_expires_at: string | Date | null;
  position: number;
  case_item_count: string | number;
  auto_duplicate: boolean;
}

// Reviewable and undecided, in an open case: a URL, or media not yet erased.
// Files waiting for their automatic `duplicate` (auto_duplicate) are among
// them — they keep their place, see claimNext — but are no analyst's work:
// the listing leaves them out.
const REVIEWABLE = sql`ci.decision is null and c.status = 'open'
  and (ci.kind = 'url' or exists (select 1 from media_objects m where m.item_id = ci.id and m.deleted_at is null))`;
// Minors first, then those whose age the victim was unsure of (possibly
// minors), then the oldest; the id breaks ties so the order is total.
const PRIORITY = sql`(case c.age_group when 'minor' then 0 when 'unsure' then 1 else 2 end) asc, ci.created_at asc, ci.id asc`;

// The case's size by a correlated count over case_items' (case_id, position) index: a queue page is 100 rows.
const QUEUE_COLUMNS = sql`ci.id as item_id, ci.kind, c.age_group, ci.host, ci.created_at, ci.claimed_by, ci.claim_expires_at, ci.position,
  (select count(*) from case_items n where n.case_id = ci.case_id) as case_item_count, ci.auto_duplicate`;

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

function toEntry(r: QueueRow): QueueEntry {
  return {
    itemId: r.item_id,
    kind: r.kind,
    ageGroup: r.age_group,
    host: r.host,
    createdAt: iso(r.created_at)!,
    claimedBy: r.claimed_by,
    claimExpiresAt: iso(r.claim_expires_at),
    position: r.position,
    caseItemCount: Number(r.case_item_count),
  };
}

export class ReviewService {
  private readonly now: () => Date;

  constructor(private readonly deps: { database: Database; store: MediaStore; masterKey: Key; bank: BankLookup; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  async queue(limit = 100): Promise<QueueEntry[]> {
    const rows = await queryRows<QueueRow>(
      this.deps.database.db,
      sql`select ${QUEUE_COLUMNS}
          from case_items ci join cases c on c.id = ci.case_id
          where ${REVIEWABLE} and not ci.auto_duplicate order by ${PRIORITY} limit ${limit}`,
    );
    return rows.map(toEntry);
  }

  /**
   * Claims the first item nobody holds; null when the queue is empty. Two
   * analysts never get the same item.
   *
   * A file that matched a verified entry on arrival (auto_duplicate) keeps its
   * place in the queue but is never handed out: when it comes first it is
   * decided `duplicate` there and then — hashes verified, file erased, status
   * moving on exactly as after an analyst's decision — and the next item is
   * claimed instead. Not earlier: the case would learn from the pace that the
   * bank knew its file. Not on a timer either: an idle queue holds fresh files
   * just as long, so a timer would set the known ones apart. Its match is
   * checked again first: an entry withdrawn or deleted meanwhile must not
   * verify hashes nobody confirmed, and such a file becomes ordinary work.
   */
  async claimNext(userId: string): Promise<QueueEntry | null> {
    const now = this.now();
    const { claimed, erased } = await this.deps.database.db.transaction(async (tx) => {
      const erased: string[] = [];
      for (;;) {
        const [row] = await queryRows<QueueRow>(
          tx,
          sql`select ${QUEUE_COLUMNS}
              from case_items ci join cases c on c.id = ci.case_id
              where ${REVIEWABLE} and (ci.claimed_by is null or ci.claim_expires_at < ${now})
              order by ${PRIORITY} limit 1 for update of ci skip locked`,
        );
        if (!row) return { claimed: null, erased };
        if (row.auto_duplicate) {
          if (await this.stillKnown(tx, row.item_id)) {
            erased.push(...(await this.autoDecide(tx, row.item_id, now)));
            continue;
          }
          await tx.update(caseItems).set({ autoDuplicate: false }).where(eq(caseItems.id, row.item_id));
        }
        const expires = new Date(now.getTime() + CLAIM_MINUTES * 60_000);
        await tx.update(caseItems).set({ claimedBy: userId, claimExpiresAt: expires }).where(eq(caseItems.id, row.item_id));
        return { claimed: { ...toEntry(row), claimedBy: userId, claimExpiresAt: expires.toISOString() }, erased };
      }
    });
    // After the commit, as for an analyst's decision.
    for (const id of erased) await this.deps.store.delete(id);
    return claimed;
  }

  /** Whether an item's own hashes still match a verified entry (the rule the upload applied). */
  private async stillKnown(tx: Executor, itemId: string): Promise<boolean> {
    const own = (await entriesOfItems(tx, [itemId])).get(itemId) ?? [];
    return matchesVerified(this.deps.bank, own);
  }

  /** The system's `duplicate` for a known file the queue reached (locked by the caller): returns the media ids to erase. */
  private async autoDecide(tx: Executor, itemId: string, now: Date): Promise<string[]> {
    const [item] = await tx.select({ kind: caseItems.kind, status: caseItems.status }).from(caseItems).where(eq(caseItems.id, itemId));
    if (!item) return [];
    await this.applyDecision(tx, itemId, item.kind, { decision: 'duplicate' }, null, now, item.status);
    const erased = await markMediaErased(tx, itemId, now);
    await appendAudit(tx, { actor: 'system', action: 'item.auto_duplicate', subject: `item:${itemId}` }, now);
    return erased;
  }

  async release(itemId: string, userId: string): Promise<void> {
    const released = await this.deps.database.db
      .update(caseItems)
      .set({ claimedBy: null, claimExpiresAt: null })
      .where(and(eq(caseItems.id, itemId), eq(caseItems.claimedBy, userId)))
      .returning({ id: caseItems.id });
    if (released.length === 0) throw new AppError('not_found');
  }

  /**
   * Decides an item the analyst holds (or held: see below). Content shared without consent (or a
   * duplicate of it): the item's hashes become verified in the bank. Not
   * intimate / not actionable: its hashes leave the bank unless another open
   * case holds them. Either way the uploaded media are erased.
   */
  async decide(itemId: string, userId: string, input: DecisionInput): Promise<void> {
    if (input.decision === 'not_actionable' && !input.reason) throw new AppError('validation_failed', 'not_actionable needs a reason', { details: [{ path: 'body.reason', message: 'required' }] });
    const now = this.now();
    const erased = await this.deps.database.db.transaction(async (tx) => {
      const [item] = await tx.select().from(caseItems).where(eq(caseItems.id, itemId)).for('update');
      if (!item) throw new AppError('not_found');
      if (item.decision !== null) throw new AppError('conflict', 'this item is already decided');
      // A claim that lapsed lets another analyst take the item, but until one
      // does it is still the holder's: a hard case can take longer than
      // CLAIM_MINUTES, and the work done on it must not be thrown away.
      if (item.claimedBy !== userId) throw new AppError('conflict', item.claimedBy === null ? 'claim the item before deciding it' : 'another analyst holds this item now');

      await this.applyDecision(tx, itemId, item.kind, input, userId, now, item.status);
      const erased = await markMediaErased(tx, itemId, now);
      await appendAudit(tx, { actor: `user:${userId}`, action: 'item.decide', subject: `item:${itemId}`, detail: { decision: input.decision } }, now);
      return erased;
    });
    // After the commit: a blob whose erasure rolled back must not vanish. A
    // crash here leaves a blob marked erased; the retention job removes it.
    for (const id of erased) await this.deps.store.delete(id);
  }

  /**
   * A supervisor replaces an item's decision: the bank follows (rejected →
   * accepted brings its hashes back, verified; accepted → rejected withdraws
   * them), and the reversal is audited with both decisions.
   */
  async reverse(itemId: string, supervisorId: string, input: DecisionInput): Promise<void> {
    if (input.decision === 'not_actionable' && !input.reason) throw new AppError('validation_failed', 'not_actionable needs a reason', { details: [{ path: 'body.reason', message: 'required' }] });
    const now = this.now();
    await this.deps.database.db.transaction(async (tx) => {
      const [item] = await tx.select().from(caseItems).where(eq(caseItems.id, itemId)).for('update');
      if (!item) throw new AppError('not_found');
      if (item.decision === null) throw new AppError('conflict', 'this item has no decision to reverse');
      if (item.decision === input.decision) return;
      await this.applyDecision(tx, itemId, item.kind, input, supervisorId, now, item.status);
      await appendAudit(tx, { actor: `user:${supervisorId}`, action: 'item.reverse', subject: `item:${itemId}`, detail: { from: item.decision, to: input.decision } }, now);
    });
  }

  /** An analyst's decision, or the system's (`userId` null) for a known file. */
  private async applyDecision(tx: Executor, itemId: string, kind: 'url' | 'photo' | 'video', input: DecisionInput, userId: string | null, now: Date, previousStatus: string): Promise<void> {
    const accepted = input.decision === 'ncii_adult' || input.decision === 'ncii_minor' || input.decision === 'duplicate';
    const status = !accepted ? 'not_actionable' : kind === 'url' ? 'in_review' : 'shared';
    // The decision first: withdrawal looks for other holders that nobody rejected.
    await tx
      .update(caseItems)
      .set({
        decision: input.decision,
        decisionAiGenerated: input.aiGenerated ?? null,
        decisionReason: input.decision === 'not_actionable' ? (input.reason ?? null) : null,
        decidedBy: userId,
        decidedAt: now,
        claimedBy: null,
        claimExpiresAt: null,
        status,
        updatedAt: now,
      })
      .where(eq(caseItems.id, itemId));
    if (accepted) await verifyItemEntries(tx, itemId);
    else await withdrawRejectedItemEntries(tx, itemId);
    if (status !== previousStatus) await tx.insert(itemEvents).values({ itemId, status, at: now });
  }

  /**
   * An item with its case's context, for the review page: what the victim
   * said (situation, age group, AI, description) and how the item stands.
   * Hash values are not shown: an analyst needs their state, not the digits.
   */
  async detail(itemId: string): Promise<ItemDetail> {
    const db = this.deps.database.db;
    const [row] = await db.select({ item: caseItems, c: cases }).from(caseItems).innerJoin(cases, eq(cases.id, caseItems.caseId)).where(eq(caseItems.id, itemId));
    if (!row) throw new AppError('not_found');
    const { item, c } = row;
    const mediaRows = await db.select({ id: mediaObjects.id, deletedAt: mediaObjects.deletedAt }).from(mediaObjects).where(eq(mediaObjects.itemId, itemId));
    const mediaState = mediaStateOf(mediaRows, item.decidedAt, c.status);
    const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(caseItems).where(eq(caseItems.caseId, c.id));
    const entries = (await entriesOfItems(db, [itemId])).get(itemId) ?? [];
    const dataKey = c.wrappedKey ? unwrapKey(this.deps.masterKey, c.wrappedKey, c.id) : null;
    const description = dataKey && c.descriptionEnc ? decrypt(dataKey, c.descriptionEnc, `description:${c.id}`) : null;
    return {
      item: {
        id: item.id,
        position: item.position,
        kind: item.kind,
        url: item.url,
        host: item.host,
        status: item.status,
        decision: item.decision,
        decisionAiGenerated: item.decisionAiGenerated,
        decisionReason: item.decisionReason,
        decidedAt: iso(item.decidedAt),
        createdAt: item.createdAt.toISOString(),
        notifiedAt: iso(item.notifiedAt),
        removedAt: iso(item.removedAt),
        claimedBy: item.claimedBy,
        claimExpiresAt: iso(item.claimExpiresAt),
        hasMedia: mediaState === 'available',
        media: mediaState,
      },
      case: {
        id: c.id,
        status: c.status,
        situation: c.situation,
        ageGroup: c.ageGroup,
        aiGenerated: c.aiGenerated,
        language: c.language,
        description: description ? new TextDecoder().decode(description) : null,
        createdAt: c.createdAt.toISOString(),
        itemCount: n,
      },
      bank: entries.map((e) => ({ signalType: e.signalType, verified: e.verified, status: e.status })),
      matches: await this.matchesOf(c.id, entries),
    };
  }

  /**
   * Bank entries near the item's own, from the in-memory bank the partners
   * match against: PDQ within MATCH_DISTANCE, MD5 exact, vPDQ by the share of
   * frames both videos have in common (the partners' rule: a re-encoded video
   * has another MD5, and only its frames show it is the same). Active entries
   * only, its own excluded; exact and near images first, then videos, the
   * most alike first.
   */
  private async matchesOf(caseId: string, own: readonly BankEntry[]): Promise<ItemMatch[]> {
    const ownIds = new Set(own.map((e) => e.id));
    const nearest = new Map<number, { entry: BankEntry; distance: number | null; frames: ItemMatch['frames'] }>();
    const keep = (entry: BankEntry, distance: number | null, frames: ItemMatch['frames'] = null) => {
      if (ownIds.has(entry.id)) return;
      const seen = nearest.get(entry.id);
      if (!seen || (distance ?? Infinity) < (seen.distance ?? Infinity)) nearest.set(entry.id, { entry, distance, frames });
    };
    for (const e of own) {
      if (e.signalType === 'pdq') {
        const hash = parsePdqHash(e.value);
        if (hash.ok) for (const m of this.deps.bank.matchPdq(hash.value, MATCH_DISTANCE)) keep(m.entry, m.distance);
      } else if (e.signalType === 'md5') {
        const hash = parseMd5(e.value);
        if (hash.ok) for (const entry of this.deps.bank.matchMd5(hash.value)) keep(entry, 0);
      } else {
        for (const m of this.deps.bank.matchVpdq(framesOf(e.value))) keep(m.entry, null, { item: Math.round(m.queryMatchPercent), bank: Math.round(m.compareMatchPercent) });
      }
    }
    // Images by distance (0–31), then videos as the matcher ranks them: the
    // larger share of frames in common first (a clip wholly inside a banked
    // video is 100 % one way), then the smaller.
    const alike = (m: { distance: number | null; frames: ItemMatch['frames'] }) => {
      if (m.distance !== null) return m.distance;
      const item = m.frames?.item ?? 0;
      const bank = m.frames?.bank ?? 0;
      return 1000 + (100 - Math.max(item, bank)) * 1000 + (100 - Math.min(item, bank));
    };
    const found = [...nearest.values()].sort((a, b) => alike(a) - alike(b) || a.entry.id - b.entry.id).slice(0, MAX_ITEM_MATCHES);
    if (found.length === 0) return [];
    // Who holds each entry: only "this case or not" and the latest decision leave this function.
    const holders = await this.deps.database.db
      .select({ entryId: itemBankEntries.entryId, caseId: caseItems.caseId, decision: caseItems.decision })
      .from(itemBankEntries)
      .innerJoin(caseItems, eq(caseItems.id, itemBankEntries.itemId))
      .where(inArray(itemBankEntries.entryId, found.map((f) => f.entry.id)))
      .orderBy(desc(caseItems.decidedAt));
    return found.map(({ entry, distance, frames }) => {
      const held = holders.filter((h) => h.entryId === entry.id);
      return {
        signalType: entry.signalType,
        distance,
        frames,
        verified: entry.verified,
        status: entry.status,
        sameCase: held.some((h) => h.caseId === caseId),
        decision: held.find((h) => h.decision !== null)?.decision ?? null,
      };
    });
  }

  /** The other items of a case, a page at a time (by position, after `after`). */
  async caseItems(caseId: string, after: number, limit: number): Promise<{ items: CaseItemSummary[]; nextAfter: number | null }> {
    const rows = await this.deps.database.db
      .select({
        id: caseItems.id,
        position: caseItems.position,
        kind: caseItems.kind,
        host: caseItems.host,
        status: caseItems.status,
        decision: caseItems.decision,
      })
      .from(caseItems)
      .where(and(eq(caseItems.caseId, caseId), gt(caseItems.position, after)))
      .orderBy(asc(caseItems.position))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    if (page.length === 0 && after === 0) {
      const [exists] = await this.deps.database.db.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId));
      if (!exists) throw new AppError('not_found');
    }
    return { items: page, nextAfter: rows.length > limit ? page[page.length - 1]!.position : null };
  }

  /** The decrypted media of an item still awaiting its decision, or not found. */
  private async original(itemId: string): Promise<Uint8Array> {
    const [row] = await this.deps.database.db
      .select({ objectId: mediaObjects.id, caseId: cases.id, wrappedKey: cases.wrappedKey })
      .from(mediaObjects)
      .innerJoin(caseItems, eq(caseItems.id, mediaObjects.itemId))
      .innerJoin(cases, eq(cases.id, caseItems.caseId))
      // A file awaiting its automatic `duplicate` is never shown: analysts were spared it.
      .where(and(eq(mediaObjects.itemId, itemId), isNull(mediaObjects.deletedAt), eq(caseItems.autoDuplicate, false)));
    if (!row?.wrappedKey) throw new AppError('not_found');
    const dataKey = unwrapKey(this.deps.masterKey, row.wrappedKey, row.caseId);
    const blob = await this.deps.store.get(row.objectId);
    const bytes = dataKey && blob ? decrypt(dataKey, blob, `media:${row.objectId}`) : null;
    if (!bytes) throw new AppError('not_found');
    return bytes;
  }

  /** A safe preview: at most 256 px, grayscale, blurred (a video's first second). */
  async preview(itemId: string): Promise<Uint8Array> {
    const bytes = await this.original(itemId);
    const still = sniff(bytes.subarray(0, 64)).kind === 'image' ? bytes : await firstFrame(bytes);
    return sharp(still, { pages: 1, limitInputPixels: 50_000_000 })
      .rotate()
      .resize(PREVIEW_SIZE, PREVIEW_SIZE, { fit: 'inside', withoutEnlargement: true })
      .grayscale()
      .toColourspace('b-w')
      .blur(PREVIEW_BLUR_SIGMA)
      .jpeg({ quality: 60 })
      .toBuffer();
  }

  /**
   * The original, on an analyst's explicit request: audited and counted.
   * Returns the bytes, their MIME type as sniffed (never the victim's claim,
   * never a scriptable type) and today's count.
   */
  async reveal(itemId: string, userId: string): Promise<{ bytes: Uint8Array; mediaType: string; revealsToday: number }> {
    // Only the analyst who holds the item sees its original: nobody browses others' media.
    const [item] = await this.deps.database.db.select({ claimedBy: caseItems.claimedBy, decision: caseItems.decision }).from(caseItems).where(eq(caseItems.id, itemId));
    if (!item || item.decision !== null) throw new AppError('not_found'); // decided: its media are erased
    if (item.claimedBy !== userId) throw new AppError('conflict', 'claim the item before revealing its original');
    const bytes = await this.original(itemId);
    await this.deps.database.db.transaction((tx) => appendAudit(tx, { actor: `user:${userId}`, action: 'media.reveal', subject: `item:${itemId}` }, this.now()));
    return { bytes, mediaType: mediaType(bytes.subarray(0, SNIFF_BYTES)), revealsToday: await this.revealsToday(userId) };
  }

  /** Reveals by this analyst since midnight (UTC), counted from the audit log itself. */
  async revealsToday(userId: string): Promise<number> {
    const midnight = new Date(this.now());
    midnight.setUTCHours(0, 0, 0, 0);
    const [row] = await this.deps.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.actor, `user:${userId}`), eq(auditLog.action, 'media.reveal'), gte(auditLog.at, midnight)));
    return row?.n ?? 0;
  }
}

/** Marks an item's media erased, in the decision's transaction; returns the ids whose blobs go after the commit. */
async function markMediaErased(tx: Executor, itemId: string, now: Date): Promise<string[]> {
  const media = await tx.select({ id: mediaObjects.id }).from(mediaObjects).where(and(eq(mediaObjects.itemId, itemId), isNull(mediaObjects.deletedAt)));
  if (media.length > 0) await tx.update(mediaObjects).set({ deletedAt: now }).where(inArray(mediaObjects.id, media.map((m) => m.id)));
  return media.map((m) => m.id);
}

/** The frame at one second (or the first) of a video, as PNG, decoded from an unlinked file (nothing left behind by a crash). */
async function firstFrame(video: Uint8Array): Promise<Uint8Array> {
  const still = await withUnlinkedFile(video, (file) => videoStill(file));
  if (still.ok) return still.value;
  // No ffmpeg, or out of time: the server's fault, said so. Otherwise there is no frame to show.
  if (still.reason === 'decoder_unavailable' || still.reason === 'timeout') throw mediaError(still);
  throw new AppError('not_found');
}
