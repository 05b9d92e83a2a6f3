// Media a victim chooses to send for an analyst's verification. The server
// hashes the file itself (the victim's device may be wrong or lying), stores
// it encrypted under the case's key, and deletes it once reviewed — or, when
// nobody reviewed it, after the retention period.

import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { formatVpdqLine } from '@disrupt/hashing';
import { type FileHash, type HashPool } from '@disrupt/media';
import type { SignalInput } from '../bank/bank.repository.ts';
import { type Key, encrypt, unwrapKey } from '../crypto/envelope.ts';
import type { Database, Executor } from '../db/database.ts';
import { cases, mediaObjects } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { BankIndex } from '../bank/bank-index.ts';
import { matchesVerified } from '../bank/known-verified.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { MediaStore } from '../media/media-store.ts';
import { hashBytes, mediaError } from '../media/hash-bytes.ts';
import { findDuplicate, insertItem, nextPosition } from './case.service.ts';
import { type ItemDraft, MIN_PDQ_QUALITY } from './items.ts';

export interface MediaServiceDeps {
  readonly database: Database;
  readonly masterKey: Key;
  readonly store: MediaStore;
  readonly pool: HashPool;
  readonly jobs: JobQueue;
  /** The bank in memory: media matching a verified entry are decided without an analyst seeing them. */
  readonly bank: BankIndex;
  readonly allowMinorMedia: boolean;
  readonly retentionDays: number;
  readonly now?: () => Date;
}

export interface AddedMedia {
  readonly itemId: string;
  readonly kind: 'photo' | 'video';
  readonly duplicate: boolean;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

export class MediaService {
  private readonly now: () => Date;

  constructor(private readonly deps: MediaServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async addMedia(caseId: string, bytes: Uint8Array): Promise<AddedMedia> {
    const { database, masterKey, store } = this.deps;
    const [row] = await database.db.select({ status: cases.status, ageGroup: cases.ageGroup, wrappedKey: cases.wrappedKey }).from(cases).where(eq(cases.id, caseId));
    if (row?.status !== 'open' || !row.wrappedKey) throw new AppError('not_found');
    // "Not sure" may be a minor: the hotline must not receive such files either.
    if (row.ageGroup !== 'adult' && !this.deps.allowMinorMedia) {
      throw new AppError('not_permitted', 'files that may show a minor are not received here: send their fingerprints (private mode) and the URLs instead');
    }
    const dataKey = unwrapKey(masterKey, row.wrappedKey, caseId);
    if (!dataKey) throw new AppError('internal');

    const hashed = await hashBytes(this.deps.pool, bytes);
    if (!hashed.ok) throw mediaError(hashed);
    const draft = draftOf(hashed.value);

    // A file that matches a verified entry is spared an analyst, but the case
    // must not learn that the bank held it (a perpetrator holding the image
    // would learn that the victim reported it). So it takes exactly the path
    // of any file — encrypted, stored, 'in_review', the same answer — and its
    // `duplicate` decision waits, hidden, for the review queue to reach it
    // (ReviewService.claimNext), which then erases the file as a decision does.
    const autoDuplicate = matchesVerified(this.deps.bank, draft.signals);
    const objectId = randomUUID();
    await store.put(objectId, encrypt(dataKey, bytes, `media:${objectId}`));
    try {
      const outcome = await database.db.transaction(async (tx) => {
        const existing = await lockOpenCaseAndFind(tx, caseId, draft);
        if (existing) return { itemId: existing, duplicate: true };
        const itemId = await insertItem(tx, caseId, draft, await nextPosition(tx, caseId), this.now(), ['received', 'in_review'], { autoDuplicate });
        await tx.insert(mediaObjects).values({ id: objectId, itemId, byteSize: bytes.length, createdAt: this.now() });
        // Retention, decided now and committed with the upload: the job exists iff the media does.
        const expiry = new Date(this.now().getTime() + this.deps.retentionDays * 86_400_000);
        await this.deps.jobs.enqueue(tx, 'media.expire', { objectId }, { startAfter: expiry, singletonKey: objectId });
        return { itemId, duplicate: false };
      });
      if (outcome.duplicate) await store.delete(objectId);
      return { ...outcome, kind: hashed.value.kind };
    } catch (error) {
      await store.delete(objectId);
      throw error;
    }
  }

  /**
   * The `media.expire` job: erases a blob that is still there. Idempotent:
   * running it again (a retry, a crash) finds nothing to do.
   */
  async expire(objectId: string): Promise<'done' | 'nothing_to_do'> {
    const [object] = await this.deps.database.db.select({ deletedAt: mediaObjects.deletedAt }).from(mediaObjects).where(eq(mediaObjects.id, objectId));
    if (!object) return 'nothing_to_do';
    // Also when already marked erased: a decision's erasure may have been cut
    // short between its commit and the blob's deletion.
    await this.deps.store.delete(objectId);
    if (object.deletedAt !== null) return 'nothing_to_do';
    await this.deps.database.db.update(mediaObjects).set({ deletedAt: this.now() }).where(eq(mediaObjects.id, objectId));
    return 'done';
  }
}

/** Locks the case (one writer at a time), checks it is open, and finds the same content already in it. */
async function lockOpenCaseAndFind(tx: Executor, caseId: string, draft: ItemDraft): Promise<string | null> {
  const [locked] = await tx.select({ status: cases.status }).from(cases).where(eq(cases.id, caseId)).for('update');
  if (locked?.status !== 'open') throw new AppError('not_found');
  return findDuplicate(tx, caseId, draft);
}


function draftOf(hash: FileHash): ItemDraft {
  if (hash.kind === 'photo') {
    if (hash.quality < MIN_PDQ_QUALITY) throw new AppError('bad_request', 'this photo has too little detail to be fingerprinted reliably');
    const signals: SignalInput[] = [
      { signalType: 'pdq', value: hash.pdq, quality: hash.quality, verified: false },
      { signalType: 'md5', value: hash.md5, quality: null, verified: false },
    ];
    return { kind: 'photo', url: null, host: null, dedupe: digest(`pdq:${hash.pdq}`), signals };
  }
  if (!hash.vpdq.some((f) => f.quality >= MIN_PDQ_QUALITY)) throw new AppError('bad_request', 'this video has too little detail to be fingerprinted reliably');
  const signals: SignalInput[] = [
    { signalType: 'vpdq', value: hash.vpdq.map(formatVpdqLine).join('\n'), quality: null, verified: false },
    { signalType: 'md5', value: hash.md5, quality: null, verified: false },
  ];
  return { kind: 'video', url: null, host: null, dedupe: digest(`md5:${hash.md5}`), signals };
}
