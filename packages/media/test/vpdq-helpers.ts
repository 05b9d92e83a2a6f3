// Shared by the vPDQ reference tests.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatVpdqLine } from '@disrupt/hashing';
import { hashVideo } from '@disrupt/media';
import { expect } from 'vitest';
import { VPDQ_DIR } from '../../../test/reference.ts';

export const SAMPLE_VIDEOS = readdirSync(join(VPDQ_DIR, 'sample-videos')).filter((f) => f.endsWith('.mp4')).sort();

export async function expectReferenceFrames(video: string, producedDir: string, secondsPerHash: number): Promise<void> {
  const expected = readFileSync(join(VPDQ_DIR, 'produced', producedDir, video.replace(/\.mp4$/, '.txt')), 'utf8').trim().split('\n');
  const result = await hashVideo(join(VPDQ_DIR, 'sample-videos', video), { secondsPerHash });
  if (!result.ok) throw new Error(result.message);
  // Compare line by line in the reference's text format: frame number,
  // quality, hash and timestamp must all agree.
  expect(result.value.frames.map(formatVpdqLine)).toEqual(expected);
}

