// Background work on a PostgreSQL-backed queue (pg-boss), on PGlite and on
// PostgreSQL alike. A job is enqueued in the same transaction as the change
// that causes it: it exists if and only if the change committed. Handlers are
// idempotent (a job may run twice after a crash) and have stable literal names.

import PgBoss from 'pg-boss';
import { type Database, type Executor, queryRows, rawToSql } from '../db/database.ts';

export const JOB_NAMES = ['media.expire', 'notice.send', 'url.recheck', 'partner.webhook'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobPayloads {
  'media.expire': { readonly objectId: string };
  'notice.send': { readonly noticeId: string };
  /** `due`: when this check was scheduled for; a second run of the same job finds a check after it and does nothing. */
  'url.recheck': { readonly itemId: string; readonly due: string };
  'partner.webhook': { readonly webhookId: string };
}

export type JobHandler<N extends JobName> = (data: JobPayloads[N]) => Promise<'done' | 'nothing_to_do'>;

export interface EnqueueOptions {
  readonly startAfter?: Date;
  readonly singletonKey?: string;
}

export class JobQueue {
  private readonly boss: PgBoss;
  private started = false;

  constructor(database: Database) {
    this.boss = new PgBoss({ db: { executeSql: (text, values) => database.raw(text, values) }, schedule: false });
    // Errors of the queue's own maintenance; handlers' errors retry the job.
    this.boss.on('error', () => undefined);
  }

  async start(): Promise<void> {
    await this.boss.start();
    for (const name of JOB_NAMES) await this.boss.createQueue(name);
    this.started = true;
  }

  /** Enqueues a job inside the caller's transaction. */
  async enqueue<N extends JobName>(tx: Executor, name: N, data: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
    if (!this.started) throw new Error('job queue not started');
    await this.boss.send(name, data, {
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      retryLimit: 5,
      retryBackoff: true,
      db: { executeSql: async (text: string, values: unknown[]) => ({ rows: await queryRows(tx, rawToSql(text, values)) }) },
    });
  }

  /** Runs `handler` for jobs of `name` (worker role). */
  async work<N extends JobName>(name: N, handler: JobHandler<N>, pollingIntervalSeconds = 2): Promise<void> {
    await this.boss.work<JobPayloads[N]>(name, { pollingIntervalSeconds }, async (jobs) => {
      for (const job of jobs) await handler(job.data);
    });
  }

  async stop(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, wait: true, timeout: 5000 });
    this.started = false;
  }
}
