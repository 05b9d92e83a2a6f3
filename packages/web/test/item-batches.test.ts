// The portal splits a victim's items into batches by count and by size, so
// that a victim with long videos never meets a 413: each batch's JSON stays
// under the server's cap, the order is kept, and nothing is dropped.

import { MAX_ITEMS_BODY_BYTES as SERVER_MAX_BODY, MAX_VPDQ_FRAMES } from '@disrupt/server';
import { describe, expect, it } from 'vitest';
import { MAX_ITEMS_BODY_BYTES, MAX_ITEMS_PER_BATCH, itemBatches } from '../src/api.ts';

const hex = (n: number, length: number) => n.toString(16).padStart(length, '0').slice(-length);
const video = (id: number, frames: number) => ({
  type: 'video' as const,
  md5: hex(id, 32),
  vpdq: Array.from({ length: frames }, (_, i) => ({ frame: i, quality: 100, pdq: hex(id * 100_000 + i, 64), timestamp: i })),
});
const url = (id: number) => ({ type: 'url' as const, url: `https://host.example/${id}` });
const envelope = (items: readonly unknown[]) => new TextEncoder().encode(JSON.stringify({ items })).length;

describe('item batches', () => {
  it('uses the server limits', () => {
    expect(MAX_ITEMS_BODY_BYTES).toBe(SERVER_MAX_BODY);
  });

  it('splits long videos by size, keeps the order and loses nothing', () => {
    const items = [url(0), video(1, MAX_VPDQ_FRAMES), url(2), video(3, MAX_VPDQ_FRAMES), video(4, MAX_VPDQ_FRAMES), url(5), video(6, 100)];
    expect(envelope(items)).toBeGreaterThan(MAX_ITEMS_BODY_BYTES);
    const batches = itemBatches(items);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(envelope(batch.items)).toBeLessThanOrEqual(MAX_ITEMS_BODY_BYTES);
    expect(batches.flatMap((b) => b.items)).toEqual(items);
    expect(batches.map((b) => b.start)).toEqual(batches.map((_, i) => batches.slice(0, i).reduce((n, b) => n + b.items.length, 0)));
  });

  it('splits many small items by count', () => {
    const items = Array.from({ length: 2 * MAX_ITEMS_PER_BATCH + 7 }, (_, i) => url(i));
    expect(itemBatches(items).map((b) => b.items.length)).toEqual([MAX_ITEMS_PER_BATCH, MAX_ITEMS_PER_BATCH, 7]);
  });

  it('sends an item too large on its own alone (the server answers for it), and nothing for no items', () => {
    const huge = { type: 'url' as const, url: 'x'.repeat(200) };
    expect(itemBatches([url(1), huge, url(2), url(3)], 500, 1024 + 150).map((b) => b.items.length)).toEqual([1, 1, 2]);
    expect(itemBatches([])).toEqual([]);
  });
});
