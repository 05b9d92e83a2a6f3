// PDQ matching off the main thread, in parallel: the bank's PDQ entries are
// sharded by id across worker threads (each holds an exact MIH index of its
// share, so together they hold one copy of the bank, not one each); a batch
// goes to every shard and the answers are merged. The HTTP event loop stays
// free while a batch of 1,000 hashes is searched, and the shards search at
// once on as many cores. The pool follows the BankIndex (it is its
// observer), so a withdrawn hash stops matching here at the same refresh.

import { Worker } from 'node:worker_threads';
import { type PdqHash, pdqHashToWords } from '@disrupt/hashing';
import type { BankIndex, BankIndexObserver } from '../bank/bank-index.ts';
import type { BankEntry } from '../bank/bank.repository.ts';

/** [1 = add | 0 = remove, hash, id] */
export type ShardOp = readonly [0 | 1, string, number];
/**
 * A search carries its queries already parsed, 8 words each, in one typed
 * array: the main thread parses each hash once for all shards, and a typed
 * array crosses to a thread as one block copy, where a list of strings is
 * cloned string by string and parsed again by every shard.
 */
export type ShardRequest = { readonly type: 'apply'; readonly ops: readonly ShardOp[] } | { readonly type: 'search'; readonly id: number; readonly queries: Uint32Array; readonly radius?: number | undefined };
export interface ShardReply {
  readonly id: number;
  /** Flat [query, entry id, distance] triples. */
  readonly triples: Uint32Array;
}

/** Matches a batch of PDQ hashes: for each query, the matchable entries within the radius. */
export interface PdqBatchMatcher {
  match(queries: readonly PdqHash[], radius?: number): Promise<{ entry: BankEntry; distance: number }[][]>;
  close(): Promise<void>;
}

/** The reference implementation: the BankIndex's own MIH, on the calling thread. */
export class InProcessPdqMatcher implements PdqBatchMatcher {
  constructor(private readonly bank: BankIndex) {}

  match(queries: readonly PdqHash[], radius?: number): Promise<{ entry: BankEntry; distance: number }[][]> {
    return Promise.resolve(queries.map((q) => this.bank.matchPdq(q, radius).map((m) => ({ entry: m.entry, distance: m.distance }))));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const BOOTSTRAP = new URL('./pdq-match-worker-bootstrap.mjs', import.meta.url);
/** Changes are sent in chunks, so that loading a bank of millions does not build one huge message. */
const FLUSH_AT = 20_000;

interface Shard {
  readonly worker: Worker;
  ops: ShardOp[];
  readonly pending: Map<number, (reply: ShardReply) => void>;
}

export class PdqMatchPool implements PdqBatchMatcher, BankIndexObserver {
  private readonly shards: Shard[];
  private bank: BankIndex | null = null;
  private nextId = 1;
  private failure: Error | null = null;

  constructor(size: number) {
    this.shards = Array.from({ length: Math.max(1, size) }, () => {
      const shard: Shard = { worker: new Worker(BOOTSTRAP), ops: [], pending: new Map() };
      shard.worker.on('message', (reply: ShardReply) => {
        const resolve = shard.pending.get(reply.id);
        shard.pending.delete(reply.id);
        resolve?.(reply);
      });
      // A shard that dies holds part of the bank: matching must fail loudly, not answer "no match".
      shard.worker.on('error', (error) => {
        this.failure = error;
      });
      shard.worker.on('exit', (code) => {
        this.failure ??= new Error(`match worker exited (${code})`);
        for (const resolve of shard.pending.values()) resolve({ id: -1, triples: new Uint32Array(0) });
        shard.pending.clear();
      });
      return shard;
    });
  }

  /** The BankIndex whose entries the ids name (set once, before matching). */
  attach(bank: BankIndex): void {
    this.bank = bank;
  }

  put(entry: BankEntry): void {
    if (entry.signalType === 'pdq') this.queue(entry.id, [1, entry.value, entry.id]);
  }

  take(entry: BankEntry): void {
    if (entry.signalType === 'pdq') this.queue(entry.id, [0, entry.value, entry.id]);
  }

  async match(queries: readonly PdqHash[], radius?: number): Promise<{ entry: BankEntry; distance: number }[][]> {
    const bank = this.bank;
    if (!bank) throw new Error('match pool not attached to a bank index');
    for (const shard of this.shards) this.flush(shard);
    const words = new Uint32Array(queries.length * 8);
    queries.forEach((query, q) => {
      pdqHashToWords(query, words, q * 8);
    });
    const replies = await Promise.all(
      this.shards.map(
        (shard) =>
          new Promise<ShardReply>((resolve) => {
            const id = this.nextId++;
            shard.pending.set(id, resolve);
            const request: ShardRequest = { type: 'search', id, queries: words, radius };
            shard.worker.postMessage(request);
          }),
      ),
    );
    if (this.failure || replies.some((r) => r.id === -1)) throw new Error('a match worker failed', { cause: this.failure });
    const results = queries.map((): { entry: BankEntry; distance: number }[] => []);
    for (const { triples } of replies) {
      for (let i = 0; i < triples.length; i += 3) {
        // An entry taken since the shard answered is left out, as the in-process index would.
        const entry = bank.entry(triples[i + 1]!);
        if (entry) results[triples[i]!]!.push({ entry, distance: triples[i + 2]! });
      }
    }
    for (const list of results) list.sort((a, b) => a.distance - b.distance || a.entry.id - b.entry.id);
    return results;
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
  }

  private queue(id: number, op: ShardOp): void {
    const shard = this.shards[id % this.shards.length]!;
    shard.ops.push(op);
    if (shard.ops.length >= FLUSH_AT) this.flush(shard);
  }

  private flush(shard: Shard): void {
    if (shard.ops.length === 0) return;
    const request: ShardRequest = { type: 'apply', ops: shard.ops };
    shard.worker.postMessage(request);
    shard.ops = [];
  }
}
