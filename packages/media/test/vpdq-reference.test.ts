// Every sample video, decoded by our ffmpeg adapter and hashed by the pure
// core, must give the frame hashes of Meta's current vpdq-hash-video (one hash
// a second, as the platform uses). The every-frame comparison is in
// vpdq-every-frame.test.ts.
import { describe, expect, it } from 'vitest';
import { SAMPLE_VIDEOS, expectReferenceFrames } from './vpdq-helpers.ts';

describe('vPDQ reference videos, one frame a second', () => {
  it('has the 14 sample videos', () => {
    expect(SAMPLE_VIDEOS).toHaveLength(14);
  });
  it.each(SAMPLE_VIDEOS)('%s', async (video) => {
    await expectReferenceFrames(video, 'current-tool-1fps', 1);
  });
});
