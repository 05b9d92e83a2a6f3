// A small pool of hashing workers: one per core (at least two, at most four),
// each task to the first idle worker, the rest queued in order.

import type { HashFailure, HashTask, TaskResult, WorkerRequest, WorkerResponse } from './protocol.ts';

export type TaskOutcome = { readonly ok: true; readonly result: TaskResult } | { readonly ok: false; readonly reason: HashFailure };

interface Pending {
  readonly request: WorkerRequest;
  readonly resolve: (outcome: TaskOutcome) => void;
}

export class HashPool {
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<Worker, Pending>();
  private nextId = 1;

  constructor(size = HashPool.defaultSize()) {
    this.size = size;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'hashing' });
      worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
        this.finish(worker, event.data.ok ? { ok: true, result: event.data.result } : { ok: false, reason: event.data.reason });
      };
      worker.onerror = () => {
        this.finish(worker, { ok: false, reason: 'internal' });
      };
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  static defaultSize(): number {
    return Math.min(4, Math.max(2, navigator.hardwareConcurrency || 2));
  }

  run(task: HashTask): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ request: { id: this.nextId++, task }, resolve });
      this.pump();
    });
  }

  terminate(): void {
    for (const worker of this.workers) worker.terminate();
    for (const pending of [...this.queue, ...this.running.values()]) pending.resolve({ ok: false, reason: 'internal' });
    this.queue.length = 0;
    this.running.clear();
  }

  private finish(worker: Worker, outcome: TaskOutcome): void {
    const pending = this.running.get(worker);
    this.running.delete(worker);
    this.idle.push(worker);
    pending?.resolve(outcome);
    this.pump();
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.running.set(worker, pending);
      const task = pending.request.task;
      worker.postMessage(pending.request, task.type === 'frame' ? [task.frame] : []);
    }
  }
}
