// Retention: media nobody reviewed are erased after the retention period.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HashPool, createHashPool } from '@disrupt/media';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PDQ_DIR } from '../../../../test/reference.ts';
import { describeStorage } from '../../test/databases.ts';
import { randomKey } from '../crypto/envelope.ts';
import { mediaObjects } from '../db/schema.ts';
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
  it('erases unreviewed media after the retention period, keeping the record', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const masterKey = randomKey();
    const store = new LocalMediaStore(join(dir, database().kind));
    const cases = new CaseService({ database: database(), masterKey, now: () => now });
    const media = new MediaService({ database: database(), masterKey, store, pool, allowMinorMedia: false, retentionDays: 30, now: () => now });
    const opened = await cases.openCase({ situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' });
    const caseId = (await cases.caseOfSession(opened.token))!;
    await media.addMedia(caseId, readFileSync(join(PDQ_DIR, 'data/misc-images/wee.jpg')));
    const [object] = await database().db.select().from(mediaObjects);
    expect(await store.get(object!.id)).not.toBeNull();

    now = new Date('2026-01-30T00:00:00Z');
    expect(await media.purgeExpired()).toBe(0);
    now = new Date('2026-02-01T00:00:00Z');
    expect(await media.purgeExpired()).toBe(1);
    expect(await store.get(object!.id)).toBeNull();
    const [after] = await database().db.select().from(mediaObjects);
    expect(after!.deletedAt).toEqual(now);
    expect(await media.purgeExpired()).toBe(0);
  });
});
