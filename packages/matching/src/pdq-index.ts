// The contract every PDQ index keeps, and the linear reference index the
// conformance suite holds the fast one to.

import { type PdqHash, type PdqWords, pdqHashToWords, popcount32 } from '@disrupt/hashing';

export const DEFAULT_PDQ_RADIUS = 31;
export const MAX_PDQ_RADIUS = 256;

export interface PdqMatch {
  /** The caller's id of the stored entry (uint32). */
  readonly id: number;
  /** Hamming distance to the query (or to its closest dihedral variant). */
  readonly distance: number;
}

/**
 * An exact radius index over PDQ hashes. Each `add` is one entry: the same
 * hash added under two ids (two cases, two banks) answers with both.
 */
export interface PdqIndex {
  /** Live entries. */
  readonly size: number;
  add(hash: PdqHash | PdqWords, id: number): void;
  /** Removes every entry with this hash and id; returns how many. A removed entry stops matching at once. */
  remove(hash: PdqHash | PdqWords, id: number): number;
  /**
   * Every live entry within `radius` of the query, with its distance,
   * sorted by distance then id. Exact: nothing within the radius is missed.
   * With several queries (e.g. the 8 dihedral variants of a photo), each entry
   * is reported once, at its smallest distance to any of them.
   */
  search(query: PdqHash | PdqWords | readonly (PdqHash | PdqWords)[], radius?: number): PdqMatch[];
  /** Live entries as (words, id), in insertion order: for snapshots. */
  entries(): Iterable<{ readonly words: PdqWords; readonly id: number }>;
}

export function toWords(hash: PdqHash | PdqWords): PdqWords {
  return typeof hash === 'string' ? pdqHashToWords(hash) : hash;
}

export function checkRadius(radius: number): void {
  if (!Number.isInteger(radius) || radius < 0 || radius > MAX_PDQ_RADIUS) throw new RangeError('radius must be an integer from 0 to 256');
}

export function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError('an entry id is a uint32');
}

export function queriesOf(query: PdqHash | PdqWords | readonly (PdqHash | PdqWords)[]): PdqWords[] {
  if (typeof query === 'string' || query instanceof Uint32Array) return [toWords(query)];
  return query.map(toWords);
}

export function sortMatches(matches: PdqMatch[]): PdqMatch[] {
  return matches.sort((a, b) => a.distance - b.distance || a.id - b.id);
}

/** Distance of the 8 words at `a[ai..]` and `b[bi..]`, or `limit + 1` as soon as it exceeds `limit`. */
export function boundedDistance(a: Uint32Array, ai: number, b: Uint32Array, bi: number, limit: number): number {
  let d = 0;
  for (let m = 0; m < 8; m++) {
    d += popcount32(a[ai + m]! ^ b[bi + m]!);
    if (d > limit) return limit + 1;
  }
  return d;
}

/** Growable flat storage of entries: 8 words and an id per slot, and a live flag. */
export class EntryStore {
  words = new Uint32Array(8 * 1024);
  ids = new Uint32Array(1024);
  alive = new Uint8Array(1024);
  /** Slots used (live or removed). */
  count = 0;
  live = 0;

  push(words: PdqWords, id: number): number {
    if (this.count === this.ids.length) this.grow(this.ids.length * 2);
    const slot = this.count++;
    this.words.set(words.subarray(0, 8), slot * 8);
    this.ids[slot] = id;
    this.alive[slot] = 1;
    this.live++;
    return slot;
  }

  grow(capacity: number): void {
    const words = new Uint32Array(capacity * 8);
    words.set(this.words.subarray(0, this.count * 8));
    const ids = new Uint32Array(capacity);
    ids.set(this.ids.subarray(0, this.count));
    const alive = new Uint8Array(capacity);
    alive.set(this.alive.subarray(0, this.count));
    this.words = words;
    this.ids = ids;
    this.alive = alive;
  }

  /** Drops removed slots, keeping order. */
  compact(): void {
    let to = 0;
    for (let from = 0; from < this.count; from++) {
      if (!this.alive[from]) continue;
      if (to !== from) {
        this.words.copyWithin(to * 8, from * 8, from * 8 + 8);
        this.ids[to] = this.ids[from]!;
        this.alive[to] = 1;
      }
      to++;
    }
    this.alive.fill(0, to, this.count);
    this.count = to;
  }

  *entries(): Iterable<{ readonly words: PdqWords; readonly id: number }> {
    for (let slot = 0; slot < this.count; slot++) {
      if (this.alive[slot]) yield { words: this.words.slice(slot * 8, slot * 8 + 8), id: this.ids[slot]! };
    }
  }

  /** Bytes held by the typed arrays (capacity, not just use). */
  bytes(): number {
    return this.words.byteLength + this.ids.byteLength + this.alive.byteLength;
  }
}

/** The reference: a flat scan of every entry. Obviously exact, and the baseline to beat. */
export class LinearPdqIndex implements PdqIndex {
  private readonly store = new EntryStore();

  get size(): number {
    return this.store.live;
  }

  add(hash: PdqHash | PdqWords, id: number): void {
    checkId(id);
    this.store.push(toWords(hash), id);
  }

  remove(hash: PdqHash | PdqWords, id: number): number {
    const words = toWords(hash);
    const { store } = this;
    let removed = 0;
    for (let slot = 0; slot < store.count; slot++) {
      if (store.alive[slot] && store.ids[slot] === id && boundedDistance(store.words, slot * 8, words, 0, 0) === 0) {
        store.alive[slot] = 0;
        store.live--;
        removed++;
      }
    }
    return removed;
  }

  search(query: PdqHash | PdqWords | readonly (PdqHash | PdqWords)[], radius: number = DEFAULT_PDQ_RADIUS): PdqMatch[] {
    checkRadius(radius);
    const queries = queriesOf(query);
    const { store } = this;
    const matches: PdqMatch[] = [];
    for (let slot = 0; slot < store.count; slot++) {
      if (!store.alive[slot]) continue;
      let best = radius + 1;
      for (const q of queries) best = Math.min(best, boundedDistance(store.words, slot * 8, q, 0, radius));
      if (best <= radius) matches.push({ id: store.ids[slot]!, distance: best });
    }
    return sortMatches(matches);
  }

  entries(): Iterable<{ readonly words: PdqWords; readonly id: number }> {
    return this.store.entries();
  }
}
