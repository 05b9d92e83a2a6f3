// A pool of worker threads that decode and hash, so that both cores work and
// the caller's thread (an HTTP server's event loop) never blocks on a PDQ of a
// 50-megapixel photo.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileHash, HashFileOptions, PhotoHash } from './hash-file.ts';
import type { HashJob, HashReply } from './hash-worker.ts';
import type { MediaResult } from './media-error.ts';
import type { MediaInput } from './unlinked-file.ts';

export interface HashPoolOptions {
  /** Worker threads; default: one per core. */
  readonly size?: number;
  /** Jobs in flight per worker: 2 lets one decode (in libvips' threads) while the other hashes. */
  readonly jobsPerWorker?: number;
}

export interface HashPool {
  /**
   * A path, or an open file (threads share descriptors): its owner keeps it
   * open until the promise settles, which happens only once the worker is done
   * with it (its answer, or its death).
   */
  hashFile(input: MediaInput, options?: HashFileOptions): Promise<MediaResult<FileHash>>;
  hashImageBytes(bytes: Uint8Array, options?: HashFileOptions): Promise<MediaResult<PhotoHash>>;
  close(): Promise<void>;
}

/** A worker failed outside the hashing code (it crashed, or a file system error). */
export class HashPoolError extends Error {
  override readonly name = 'HashPoolError';
  constructor(readonly code: string) {
    super(`hash worker failed: ${code}`);
  }
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}

type JobBody = { op: 'file'; input: MediaInput; options: HashFileOptions } | { op: 'bytes'; bytes: Uint8Array; options: HashFileOptions };

const BOOTSTRAP = new URL('./hash-worker-bootstrap.mjs', import.meta.url);

export function createHashPool(options: HashPoolOptions = {}): HashPool {
  const size = Math.max(1, options.size ?? availableParallelism());
  const jobsPerWorker = Math.max(1, options.jobsPerWorker ?? 2);
  const queue: { job: JobBody; pending: Pending }[] = [];
  let nextId = 1;
  let closed = false;

  const slots: Slot[] = [];
  const spawnWorker = (slot?: Slot): Slot => {
    const worker = new Worker(BOOTSTRAP);
    const target: Slot = slot ?? { worker, pending: new Map() };
    target.worker = worker;
    worker.on('message', (reply: HashReply) => {
      const pending = target.pending.get(reply.id);
      if (!pending) return;
      target.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new HashPoolError(reply.error));
      pump();
    });
    const fail = (code: string) => {
      for (const pending of target.pending.values()) pending.reject(new HashPoolError(code));
      target.pending.clear();
      if (!closed) {
        spawnWorker(target);
        pump();
      }
    };
    worker.on('error', () => {
      fail('worker_crashed');
    });
    worker.on('exit', (code) => {
      if (code !== 0 && !closed) fail('worker_exited');
    });
    return target;
  };
  for (let i = 0; i < size; i++) slots.push(spawnWorker());

  function pump(): void {
    while (queue.length > 0) {
      const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
      if (slot.pending.size >= jobsPerWorker) return;
      const { job, pending } = queue.shift()!;
      const id = nextId++;
      slot.pending.set(id, pending);
      const message: HashJob = { id, ...job };
      slot.worker.postMessage(message);
    }
  }

  function submit<T>(job: JobBody): Promise<T> {
    if (closed) return Promise.reject(new HashPoolError('pool_closed'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ job, pending: { resolve: resolve as (value: unknown) => void, reject } });
      pump();
    });
  }

  return {
    hashFile: (input, hashOptions = {}) => submit({ op: 'file', input, options: hashOptions }),
    hashImageBytes: (bytes, hashOptions = {}) => submit({ op: 'bytes', bytes, options: hashOptions }),
    async close() {
      closed = true;
      for (const { pending } of queue.splice(0)) pending.reject(new HashPoolError('pool_closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
      for (const slot of slots) {
        for (const pending of slot.pending.values()) pending.reject(new HashPoolError('pool_closed'));
        slot.pending.clear();
      }
    },
  };
}
