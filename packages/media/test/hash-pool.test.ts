import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HashPool, HashPoolError, createHashPool, hashFile, hashImageBytes } from '@disrupt/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDQ_DIR, VPDQ_DIR, readTsv } from '../../../test/reference.ts';

describe('hash pool', () => {
  let pool: HashPool;
  beforeAll(() => {
    pool = createHashPool({ size: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('gives exactly what hashing in-process gives, for files and bytes, many at once', async () => {
    const files = readTsv(join(PDQ_DIR, 'expected.tsv')).map((r) => join(PDQ_DIR, r.file!));
    const pooled = await Promise.all(files.map((f) => pool.hashFile(f, { dihedral: true })));
    const inline = await Promise.all(files.map((f) => hashFile(f, { dihedral: true })));
    expect(pooled).toEqual(inline);
    const bytes = readFileSync(files[0]!);
    expect(await pool.hashImageBytes(bytes, { pipeline: 'full' })).toEqual(await hashImageBytes(bytes, { pipeline: 'full' }));
  });

  it('hashes videos in a worker', async () => {
    const video = join(VPDQ_DIR, 'sample-videos/test-padded-dimensions.mp4');
    const result = await pool.hashFile(video);
    expect(result.ok && result.value.kind).toBe('video');
    expect(result).toEqual(await hashFile(video));
  });

  it('returns expected failures as values and system errors by code only', async () => {
    const result = await pool.hashImageBytes(Buffer.from('<svg/>'));
    expect(result).toMatchObject({ ok: false, reason: 'unsupported_format' });
    const missing = pool.hashFile('/no/such/secret-name.jpg');
    await expect(missing).rejects.toBeInstanceOf(HashPoolError);
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(missing).rejects.not.toThrow(/secret-name/);
  });

  it('refuses work once closed, and rejects what was still queued', async () => {
    const small = createHashPool({ size: 1, jobsPerWorker: 1 });
    const file = join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg');
    const jobs = Array.from({ length: 6 }, () => small.hashFile(file));
    const settled = Promise.allSettled(jobs);
    await small.close();
    const outcomes = await settled;
    expect(outcomes.some((o) => o.status === 'rejected')).toBe(true);
    await expect(small.hashFile(file)).rejects.toMatchObject({ code: 'pool_closed' });
  });
});
