// Every frame of every sample video (5,722 frames) against Meta's current
// vpdq-hash-video run with -r 0.
import { describe, it } from 'vitest';
import { SAMPLE_VIDEOS, expectReferenceFrames } from './vpdq-helpers.ts';

describe('vPDQ reference videos, every frame', () => {
  it.each(SAMPLE_VIDEOS)('%s', async (video) => {
    await expectReferenceFrames(video, 'current-tool-every-frame', 0);
  });
});
