// Retention through the job queue, on both back ends: the upload's
// transaction enqueues its own expiry; the worker erases the blob when due.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { type HashPool, createHashPool } from '@disrupt/media';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PDQ_DIR } from '../../../../test/reference.ts';
import { describeStorage } from '../../test/databases.ts';
import { randomKey } from '../crypto/envelope.ts';
import { queryRows } from '../db/database.ts';
import { mediaObjects } from '../db/schema.ts';
import { BankIndex } from '../bank/bank-index.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import { LocalMediaStore } from '../media/media-store.ts';
import { CaseService } from './case.service.ts';
import { MediaService } from './media.service.ts';

let pool: HashPool;
const dir = mkdtempSync(join(tmpdir(), 'disrupt-retention-'));
beforeAll(() => {
  pool = createHashPool({ size: 1 });
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

describeStorage('media retention', ({ database }) => {
  it('enqueues the expiry with the upload and erases the blob when it is due, once', async () => {
    const jobs = new JobQueue(database());
    await jobs.start();
    try {
      // The clock says 40 days ago, so a 30-day retention is already due.
      const now = () => new Date(Date.now() - 40 * 86_400_000);
      const masterKey = randomKey();
      const store = new LocalMediaStore(join(dir, database().kind));
      const cases = new CaseService({ database: database(), masterKey });
      const media = new MediaService({ database: database(), masterKey, store, pool, jobs, bank: new BankIndex(database()), allowMinorMedia: false, retentionDays: 30, now });
      const opened = await cases.openCase({ situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' });
      const caseId = (await cases.caseOfSession(opened.token))!;
      const photo = readFileSync(join(PDQ_DIR, 'data/misc-images/wee.jpg'));
      await media.addMedia(caseId, photo);
      await media.addMedia(caseId, photo); // a duplicate: no second blob, no second job
      const [object] = await database().db.select().from(mediaObjects);
      expect(await store.get(object!.id)).not.toBeNull();
      const [queued] = await queryRows<{ n: number }>(database().db, sql`select count(*)::int as n from pgboss.job where name = 'media.expire'`);
      expect(queued!.n).toBe(1);

      await jobs.work('media.expire', (data) => media.expire(data.objectId), 0.5);
      for (let i = 0; i < 40 && (await store.get(object!.id)) !== null; i++) await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await store.get(object!.id)).toBeNull();
      const [after] = await database().db.select().from(mediaObjects);
      expect(after!.deletedAt).not.toBeNull();
      expect(await media.expire(object!.id)).toBe('nothing_to_do');
    } finally {
      await jobs.stop();
    }
  }, 30_000);
});
