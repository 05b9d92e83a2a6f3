// The bank in memory, for matching: PDQ in the exact MIH index, MD5 in an
// exact index, vPDQ in the vPDQ matcher. Built from the database at start and
// kept fresh from the bank's change sequence: each refresh reads the entries
// changed after the last sequence number it saw, so a new hash is matchable,
// and a withdrawn or deleted one stops matching, within one refresh interval.
// Quarantined entries do not match either (they await an analyst).

import { type Md5Hash, type PdqHash, parseVpdqLine, type VpdqFrame } from '@disrupt/hashing';
import { ExactIndex, MihPdqIndex, VpdqIndex, type PdqMatch, type VpdqMatch } from '@disrupt/matching';
import type { Database } from '../db/database.ts';
import { type BankEntry, changesAfter } from './bank.repository.ts';
import { repeatEvery } from '../jobs/periodic.ts';

const PAGE = 5000;

/** The frames of a stored vPDQ value (one line a frame). */
export function framesOf(value: string): VpdqFrame[] {
  const frames: VpdqFrame[] = [];
  for (const line of value.split('\n')) {
    const frame = parseVpdqLine(line);
    if (frame.ok) frames.push(frame.value);
  }
  return frames;
}

/** Told of every entry that starts or stops being matchable (e.g. to keep a pool of matching threads in step). */
export interface BankIndexObserver {
  put(entry: BankEntry): void;
  take(entry: BankEntry): void;
}

export class BankIndex {
  private readonly pdq = new MihPdqIndex();
  private readonly md5 = new ExactIndex();
  private readonly vpdq = new VpdqIndex();
  /** What each matchable entry is in the indexes as, to take it out again. */
  private readonly indexed = new Map<number, BankEntry>();
  private lastSeq = 0;
  private stopRepeating: (() => void) | null = null;

  constructor(
    private readonly database: Database,
    private readonly observer: BankIndexObserver | null = null,
  ) {}

  /** A matchable entry by id (undefined once it stopped matching). */
  entry(id: number): BankEntry | undefined {
    return this.indexed.get(id);
  }

  /** The sequence number the index reflects. */
  get seq(): number {
    return this.lastSeq;
  }

  get size(): number {
    return this.indexed.size;
  }

  /** Applies every change after the last one seen; returns how many entries changed. */
  async refresh(): Promise<number> {
    let changed = 0;
    for (;;) {
      const page = await changesAfter(this.database.db, this.lastSeq, PAGE);
      for (const entry of page) this.apply(entry);
      changed += page.length;
      if (page.length > 0) this.lastSeq = page[page.length - 1]!.seq;
      if (page.length < PAGE) return changed;
    }
  }

  /** Refreshes every `intervalMs` until `stop()`. */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.stopRepeating?.();
    this.stopRepeating = repeatEvery(intervalMs, () => this.refresh(), onError);
  }

  stop(): void {
    this.stopRepeating?.();
    this.stopRepeating = null;
  }

  matchPdq(hash: PdqHash, radius?: number): (PdqMatch & { entry: BankEntry })[] {
    return this.pdq.search(hash, radius).flatMap((m) => {
      const entry = this.indexed.get(m.id);
      return entry ? [{ ...m, entry }] : [];
    });
  }

  matchMd5(hash: Md5Hash): BankEntry[] {
    return this.md5.search(hash).flatMap((id) => this.indexed.get(id) ?? []);
  }

  matchVpdq(frames: readonly VpdqFrame[]): (VpdqMatch & { entry: BankEntry })[] {
    return this.vpdq.search(frames).flatMap((m) => {
      const entry = this.indexed.get(m.videoId);
      return entry ? [{ ...m, entry }] : [];
    });
  }

  private apply(entry: BankEntry): void {
    const previous = this.indexed.get(entry.id);
    if (previous) this.take(previous);
    if (entry.status === 'active') this.put(entry);
  }

  private put(entry: BankEntry): void {
    this.indexed.set(entry.id, entry);
    this.observer?.put(entry);
    switch (entry.signalType) {
      case 'pdq':
        this.pdq.add(entry.value as PdqHash, entry.id);
        break;
      case 'md5':
        this.md5.add(entry.value, entry.id);
        break;
      case 'vpdq':
        this.vpdq.add(entry.id, framesOf(entry.value));
        break;
    }
  }

  private take(entry: BankEntry): void {
    this.indexed.delete(entry.id);
    this.observer?.take(entry);
    switch (entry.signalType) {
      case 'pdq':
        this.pdq.remove(entry.value as PdqHash, entry.id);
        break;
      case 'md5':
        this.md5.remove(entry.value, entry.id);
        break;
      case 'vpdq':
        this.vpdq.remove(entry.id);
        break;
    }
  }
}
