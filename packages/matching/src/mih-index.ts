// Exact multi-index hashing (Norouzi et al.) for PDQ.
//
// Why it is exact: split the 256 bits into 16 chunks of 16 bits. If two hashes
// are within distance r, their chunk distances sum to at most r, so some chunk
// is within floor(r / 16) bits (pigeonhole). Probing, in each chunk's table,
// every 16-bit value within floor(r / 16) bits of the query's chunk therefore
// reaches every entry within r; each candidate is then checked on all 256 bits.
// For the default radius 31 that is 17 probes per chunk.
//
// Layout: no object per entry. Entries live in flat typed arrays (8 words, an
// id and a live flag per slot); each chunk's table is CSR — 65,537 offsets into
// one array of slots sorted by that chunk's value. A per-slot epoch stamp
// marks candidates already checked, without clearing anything per query.
// Entries added since the last build sit in a small tail that is scanned
// linearly; the tables are rebuilt (a counting sort per chunk, O(n)) when the
// tail grows past a fraction of the index. Removal clears the live flag, so a
// withdrawn hash stops matching at once; removed slots are compacted away at
// the next rebuild.

import { type PdqHash, type PdqWords, popcount32 } from '@disrupt/hashing';
import {
  DEFAULT_PDQ_RADIUS,
  EntryStore,
  type PdqIndex,
  type PdqMatch,
  boundedDistance,
  checkId,
  checkRadius,
  queriesOf,
  sortMatches,
  toWords,
} from './pdq-index.ts';

const CHUNKS = 16;
const BUCKETS = 1 << 16;
/** Past this radius the probes outnumber the entries they would skip: scan instead. */
const MAX_PROBING_RADIUS = 47;
/** Rebuild when the unindexed tail exceeds this share of the index (or MIN_TAIL). */
const TAIL_SHARE = 1 / 16;
const MIN_TAIL = 4096;

function chunkOf(words: Uint32Array, offset: number, chunk: number): number {
  const word = words[offset + (chunk >> 1)]!;
  return chunk & 1 ? word & 0xffff : word >>> 16;
}

/** Every 16-bit value within `bits` bits of `value` (bits ≤ 2). */
function neighbours(value: number, bits: number, out: number[]): number[] {
  out.length = 0;
  out.push(value);
  if (bits >= 1) for (let i = 0; i < 16; i++) out.push(value ^ (1 << i));
  if (bits >= 2) for (let i = 0; i < 16; i++) for (let j = i + 1; j < 16; j++) out.push(value ^ (1 << i) ^ (1 << j));
  return out;
}

export class MihPdqIndex implements PdqIndex {
  private readonly store = new EntryStore();
  /** Slots [0, built) are in the tables; [built, count) are the tail. */
  private built = 0;
  private offsets: Uint32Array[] = [];
  private slots: Uint32Array[] = [];
  private seen = new Uint32Array(1024);
  private epoch = 0;
  private readonly probe: number[] = [];
  /** Keeps the touching pass from being optimised away. */
  private sink = 0;

  get size(): number {
    return this.store.live;
  }

  add(hash: PdqHash | PdqWords, id: number): void {
    checkId(id);
    this.store.push(toWords(hash), id);
    if (this.store.count - this.built > Math.max(MIN_TAIL, this.built * TAIL_SHARE)) this.rebuild();
  }

  /** Adds many entries and builds the tables once (faster than one `add` at a time). */
  addAll(entries: Iterable<{ readonly words: PdqWords; readonly id: number }>): void {
    for (const { words, id } of entries) {
      checkId(id);
      this.store.push(words, id);
    }
    this.rebuild();
  }

  remove(hash: PdqHash | PdqWords, id: number): number {
    const words = toWords(hash);
    let removed = 0;
    this.visit(words, 0, (slot) => {
      if (this.store.ids[slot] === id) {
        this.store.alive[slot] = 0;
        this.store.live--;
        removed++;
      }
    });
    return removed;
  }

  search(query: PdqHash | PdqWords | readonly (PdqHash | PdqWords)[], radius: number = DEFAULT_PDQ_RADIUS): PdqMatch[] {
    checkRadius(radius);
    const queries = queriesOf(query);
    const best = new Map<number, number>();
    for (const q of queries) {
      this.visit(q, radius, (slot, distance) => {
        const previous = best.get(slot);
        if (previous === undefined || distance < previous) best.set(slot, distance);
      });
    }
    const matches: PdqMatch[] = [];
    for (const [slot, distance] of best) matches.push({ id: this.store.ids[slot]!, distance });
    return sortMatches(matches);
  }

  entries(): Iterable<{ readonly words: PdqWords; readonly id: number }> {
    return this.store.entries();
  }

  /** Bytes held by the index's typed arrays. */
  bytes(): number {
    let tables = 0;
    for (let c = 0; c < this.offsets.length; c++) tables += this.offsets[c]!.byteLength + this.slots[c]!.byteLength;
    return this.store.bytes() + tables + this.seen.byteLength;
  }

  /** Rebuilds the chunk tables over every live entry (and drops removed ones). */
  rebuild(): void {
    const { store } = this;
    store.compact();
    const n = store.count;
    // Room for the next tail, not for doubling: at 10 M entries the spare
    // capacity of a doubled array would cost more than the tables.
    const fitted = Math.ceil(n * (1 + TAIL_SHARE)) + MIN_TAIL + 1;
    if (store.ids.length > fitted * 1.1) store.grow(fitted);
    if (this.seen.length !== store.ids.length) this.seen = new Uint32Array(store.ids.length);
    this.epoch = 0;
    this.offsets = [];
    this.slots = [];
    for (let c = 0; c < CHUNKS; c++) {
      const offsets = new Uint32Array(BUCKETS + 1);
      for (let slot = 0; slot < n; slot++) offsets[chunkOf(store.words, slot * 8, c) + 1]!++;
      for (let b = 0; b < BUCKETS; b++) offsets[b + 1]! += offsets[b]!;
      const slots = new Uint32Array(n);
      const cursor = offsets.slice(0, BUCKETS);
      for (let slot = 0; slot < n; slot++) slots[cursor[chunkOf(store.words, slot * 8, c)]!++] = slot;
      this.offsets.push(offsets);
      this.slots.push(slots);
    }
    this.built = n;
  }

  /** Calls `found(slot, distance)` for every live slot within `radius` of `q`, each slot once. */
  private visit(q: PdqWords, radius: number, found: (slot: number, distance: number) => void): void {
    const { store } = this;
    const words = store.words;
    const alive = store.alive;
    if (radius > MAX_PROBING_RADIUS || this.built === 0) {
      for (let slot = 0; slot < store.count; slot++) {
        if (!alive[slot]) continue;
        const d = boundedDistance(words, slot * 8, q, 0, radius);
        if (d <= radius) found(slot, d);
      }
      return;
    }
    if (this.seen.length < store.ids.length) {
      const grown = new Uint32Array(store.ids.length);
      grown.set(this.seen);
      this.seen = grown;
    }
    const seen = this.seen;
    if (++this.epoch === 0xffffffff) {
      seen.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const bits = Math.floor(radius / CHUNKS);
    // The query's words in locals. Most candidates are far: their distance is
    // computed first (one cache line of `words`), and only the rare match
    // touches `seen` and `alive` — one memory access per candidate, not three.
    const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!;
    for (let c = 0; c < CHUNKS; c++) {
      const offsets = this.offsets[c]!;
      const slots = this.slots[c]!;
      for (const value of neighbours(chunkOf(q, 0, c), bits, this.probe)) {
        const begin = offsets[value]!;
        const end = offsets[value + 1]!;
        // Two passes over the bucket: the first only touches each candidate's
        // cache line (independent loads, so the processor overlaps the cache
        // misses), the second counts bits in lines already at hand.
        let touch = 0;
        for (let i = begin; i < end; i++) touch ^= words[slots[i]! * 8]!;
        this.sink ^= touch;
        for (let i = begin; i < end; i++) {
          const slot = slots[i]!;
          const o = slot * 8;
          let d = popcount32(words[o]! ^ q0) + popcount32(words[o + 1]! ^ q1) + popcount32(words[o + 2]! ^ q2) + popcount32(words[o + 3]! ^ q3);
          if (d > radius) continue;
          d += popcount32(words[o + 4]! ^ q4) + popcount32(words[o + 5]! ^ q5) + popcount32(words[o + 6]! ^ q6) + popcount32(words[o + 7]! ^ q7);
          if (d > radius || seen[slot] === epoch) continue;
          seen[slot] = epoch;
          if (alive[slot]) found(slot, d);
        }
      }
    }
    for (let slot = this.built; slot < store.count; slot++) {
      if (!alive[slot]) continue;
      const d = boundedDistance(words, slot * 8, q, 0, radius);
      if (d <= radius) found(slot, d);
    }
  }
}
