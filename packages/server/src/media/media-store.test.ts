import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalMediaStore } from './media-store.ts';

describe('LocalMediaStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'disrupt-media-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const store = new LocalMediaStore(dir);

  it('stores, reads back and deletes a blob, readable by its owner only', async () => {
    const id = randomUUID();
    const blob = Uint8Array.from([1, 2, 3, 4]);
    await store.put(id, blob);
    expect(await store.get(id)).toEqual(Buffer.from(blob));
    const file = join(dir, id.slice(0, 2), `${id}.enc`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, id.slice(0, 2)))).toEqual([`${id}.enc`]); // no temp file left behind
    await store.delete(id);
    expect(await store.get(id)).toBeNull();
    await store.delete(id);
  });

  it('refuses ids that could leave its folder', async () => {
    await expect(store.put('../../etc/passwd', new Uint8Array())).rejects.toBeInstanceOf(RangeError);
    await expect(store.get('..')).rejects.toBeInstanceOf(RangeError);
  });
});
