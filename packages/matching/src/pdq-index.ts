// The contract every PDQ index keeps, and the linear reference index the
// conformance suite holds the fast one to.

import { DIHEDRAL_NAMES, type DihedralName, type PdqHash, type PdqWords, pdqHashToWords, popcount32 as importedPopcount32 } from '@disrupt/hashing';

// Bound once: module transforms (vitest's) turn each use of an imported name
// into a property read on the module namespace, which keeps the hot loops
// from inlining it — 7× slower scans under test than in production.
const popcount32 = importedPopcount32;

export const DEFAULT_PDQ_RADIUS = 31;
export const MAX_PDQ_RADIUS = 256;

export interface PdqMatch {
  /** The caller's id of the stored entry (uint32). */
  readonly id: number;
  /** Hamming distance to the query (or to its closest query, with `searchMany`). */
  readonly distance: number;
}

export interface PdqMultiMatch extends PdqMatch {
  /** Position, in the query list, of the query at `distance` (the first one on a tie). */
  readonly query: number;
}

export interface PdqDihedralMatch extends PdqMatch {
  /** The rotation or flip of the query photo that came closest (the first in `DIHEDRAL_NAMES` order on a tie). */
  readonly variant: DihedralName;
}

/**
 * Many entries as flat arrays: entry i is `words[8i .. 8i+8]` under `ids[i]`.
 * Bulk loads and snapshots use this form because one object per entry costs
 * more than the entry itself at ten million hashes.
 */
export interface PdqEntries {
  readonly words: Uint32Array;
  readonly ids: Uint32Array;
}

/**
 * An exact radius index over PDQ hashes. Each `add` is one entry: the same
 * hash added under two ids (two cases, two banks) answers with both, and the
 * same (hash, id) added twice answers twice — the index does not guess which
 * duplicates the caller meant.
 */
export interface PdqIndex {
  /** Live entries. */
  readonly size: number;
  add(hash: PdqHash | PdqWords, id: number): void;
  /** Adds many entries at once (faster than one `add` at a time). */
  addMany(entries: PdqEntries): void;
  /** Removes every entry with this hash and id; returns how many. A removed entry stops matching at once. */
  remove(hash: PdqHash | PdqWords, id: number): number;
  /**
   * Every live entry within `radius` of the query, with its distance, sorted
   * by distance then id. Exact: nothing within the radius is missed, nothing
   * beyond it is returned.
   */
  search(query: PdqHash | PdqWords, radius?: number): PdqMatch[];
  /**
   * Several queries at once (e.g. the 8 rotations and flips of a photo): each
   * entry within `radius` of any of them is reported once, at its smallest
   * distance, with the query that achieved it. Sorted by distance then id.
   */
  searchMany(queries: readonly (PdqHash | PdqWords)[], radius?: number): PdqMultiMatch[];
  /**
   * Many independent queries (a partner's batch): answer i is exactly
   * `search(queries[i], radius)`. A separate call because an index can answer
   * a batch faster than one query at a time (the MIH walks its tables once,
   * in order, for all of them).
   */
  searchEach(queries: readonly (PdqHash | PdqWords)[], radius?: number): PdqMatch[][];
  /** Live entries, in insertion order (after compaction): for snapshots. */
  toEntries(): PdqEntries;
}

/** The dihedral hashes of a query photo, as `pdqDihedral(pixels).hashes` gives them (any subset). */
export type DihedralQuery = Readonly<Partial<Record<DihedralName, PdqHash | PdqWords>>>;

/**
 * Matches a photo in any of its 8 rotations and flips. The caller computes the
 * variants (`pdqDihedral`), because the index only ever sees hashes.
 */
export function searchDihedral(index: PdqIndex, query: DihedralQuery, radius: number = DEFAULT_PDQ_RADIUS): PdqDihedralMatch[] {
  const names: DihedralName[] = [];
  const hashes: (PdqHash | PdqWords)[] = [];
  for (const name of DIHEDRAL_NAMES) {
    const hash = query[name];
    if (hash === undefined) continue;
    names.push(name);
    hashes.push(hash);
  }
  return index.searchMany(hashes, radius).map((m) => ({ id: m.id, distance: m.distance, variant: names[m.query]! }));
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

/** `BestMatches` packs the query's position in 16 bits. */
export function checkQueries(count: number): void {
  if (count > 65536) throw new RangeError('at most 65,536 queries at once');
}

export function checkEntries(entries: PdqEntries): void {
  if (entries.words.length !== entries.ids.length * 8) throw new RangeError('entries need 8 words per id');
}

export function sortMatches<M extends PdqMatch>(matches: M[]): M[] {
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

/**
 * Best (distance, query) per slot across several queries. Only matches reach
 * it, and they are few, so a Map costs nothing next to the scan.
 */
export class BestMatches {
  private readonly best = new Map<number, number>();

  /** Keeps the smaller distance; on a tie, the earlier query. */
  offer(slot: number, distance: number, query: number): void {
    const packed = distance * 65536 + query;
    const previous = this.best.get(slot);
    if (previous === undefined || packed < previous) this.best.set(slot, packed);
  }

  results(ids: Uint32Array): PdqMultiMatch[] {
    const matches: PdqMultiMatch[] = [];
    for (const [slot, packed] of this.best) matches.push({ id: ids[slot]!, distance: Math.floor(packed / 65536), query: packed % 65536 });
    return sortMatches(matches);
  }
}

/**
 * Growable flat storage of entries: 8 words and an id per slot, and a live
 * flag (the tombstone that makes a removal take effect before any rebuild).
 */
export class EntryStore {
  words = new Uint32Array(8 * 256);
  ids = new Uint32Array(256);
  alive = new Uint8Array(256);
  /** Slots used (live or removed). */
  count = 0;
  live = 0;

  push(words: PdqWords, offset: number, id: number): number {
    if (this.count === this.ids.length) this.grow(this.ids.length * 2);
    const slot = this.count++;
    for (let m = 0; m < 8; m++) this.words[slot * 8 + m] = words[offset + m]!;
    this.ids[slot] = id;
    this.alive[slot] = 1;
    this.live++;
    return slot;
  }

  pushMany(entries: PdqEntries): void {
    const n = entries.ids.length;
    const needed = this.count + n;
    // Exactly enough for a first bulk load; doubling (capped) for later ones.
    if (needed > this.ids.length) this.grow(this.count === 0 ? needed : Math.max(needed, Math.min(this.ids.length * 2, needed + (1 << 20))));
    this.words.set(entries.words, this.count * 8);
    this.ids.set(entries.ids, this.count);
    this.alive.fill(1, this.count, needed);
    this.count = needed;
    this.live += n;
  }

  kill(slot: number): void {
    this.alive[slot] = 0;
    this.live--;
  }

  /** Reallocates to exactly `capacity` slots (≥ count). */
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
    if (this.live === this.count) return;
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

  toEntries(): PdqEntries {
    const words = new Uint32Array(this.live * 8);
    const ids = new Uint32Array(this.live);
    let to = 0;
    for (let slot = 0; slot < this.count; slot++) {
      if (!this.alive[slot]) continue;
      words.set(this.words.subarray(slot * 8, slot * 8 + 8), to * 8);
      ids[to++] = this.ids[slot]!;
    }
    return { words, ids };
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
    this.store.push(toWords(hash), 0, id);
  }

  addMany(entries: PdqEntries): void {
    checkEntries(entries);
    this.store.pushMany(entries);
  }

  remove(hash: PdqHash | PdqWords, id: number): number {
    const words = toWords(hash);
    const { store } = this;
    let removed = 0;
    for (let slot = 0; slot < store.count; slot++) {
      if (store.alive[slot] && store.ids[slot] === id && boundedDistance(store.words, slot * 8, words, 0, 0) === 0) {
        store.kill(slot);
        removed++;
      }
    }
    return removed;
  }

  search(query: PdqHash | PdqWords, radius: number = DEFAULT_PDQ_RADIUS): PdqMatch[] {
    return this.searchMany([query], radius).map(({ id, distance }) => ({ id, distance }));
  }

  searchMany(queries: readonly (PdqHash | PdqWords)[], radius: number = DEFAULT_PDQ_RADIUS): PdqMultiMatch[] {
    checkRadius(radius);
    checkQueries(queries.length);
    const words = queries.map(toWords);
    const { store } = this;
    const best = new BestMatches();
    const stored = store.words;
    words.forEach((q, i) => {
      const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!;
      for (let slot = 0, o = 0; slot < store.count; slot++, o += 8) {
        let d = popcount32(stored[o]! ^ q0) + popcount32(stored[o + 1]! ^ q1) + popcount32(stored[o + 2]! ^ q2) + popcount32(stored[o + 3]! ^ q3);
        if (d > radius) continue;
        d += popcount32(stored[o + 4]! ^ q4) + popcount32(stored[o + 5]! ^ q5) + popcount32(stored[o + 6]! ^ q6) + popcount32(stored[o + 7]! ^ q7);
        if (d <= radius && store.alive[slot]) best.offer(slot, d, i);
      }
    });
    return best.results(store.ids);
  }

  searchEach(queries: readonly (PdqHash | PdqWords)[], radius: number = DEFAULT_PDQ_RADIUS): PdqMatch[][] {
    checkRadius(radius);
    checkQueries(queries.length);
    return queries.map((query) => this.search(query, radius));
  }

  toEntries(): PdqEntries {
    return this.store.toEntries();
  }
}
