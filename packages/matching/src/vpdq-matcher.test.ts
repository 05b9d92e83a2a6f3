// vPDQ matching on real videos made here with ffmpeg and hashed by our own
// decoder: a re-encoded copy, a clip cut from the video, a compilation that
// contains it, and unrelated videos.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VpdqFrame } from '@disrupt/hashing';
import { hashVideo } from '@disrupt/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VpdqIndex, uniqueFrames } from './vpdq-matcher.ts';

const dir = mkdtempSync(join(tmpdir(), 'disrupt-vpdq-'));
const path = (name: string) => join(dir, name);

function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args]);
}

async function frames(name: string): Promise<VpdqFrame[]> {
  const result = await hashVideo(path(name));
  if (!result.ok) throw new Error(result.message);
  return [...result.value.frames];
}

const video: Record<string, VpdqFrame[]> = {};

beforeAll(async () => {
  const h264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'];
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=duration=20:size=320x240:rate=10', ...h264, '-crf', '20', path('original.mp4'));
  ffmpeg('-i', path('original.mp4'), '-vf', 'scale=240:180', ...h264, '-crf', '38', path('reencoded.mp4'));
  ffmpeg('-ss', '5', '-i', path('original.mp4'), '-t', '7', ...h264, '-crf', '23', path('cut.mp4'));
  ffmpeg('-f', 'lavfi', '-i', 'mandelbrot=size=320x240:rate=10', '-t', '15', ...h264, path('unrelated.mp4'));
  ffmpeg('-f', 'lavfi', '-i', 'life=size=320x240:rate=10:mold=10:ratio=0.5', '-t', '10', ...h264, path('other.mp4'));
  ffmpeg(
    '-i', path('unrelated.mp4'),
    '-i', path('original.mp4'),
    '-filter_complex', '[0:v]trim=0:8,setpts=PTS-STARTPTS[a];[1:v]setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1[v]',
    '-map', '[v]', ...h264, path('compilation.mp4'),
  );
  for (const name of ['original', 'reencoded', 'cut', 'unrelated', 'other', 'compilation']) video[name] = await frames(`${name}.mp4`);
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('vPDQ matching on generated videos', () => {
  let index: VpdqIndex;
  beforeAll(() => {
    index = new VpdqIndex();
    index.add(1, video.original!);
    index.add(2, video.unrelated!);
  });

  it('hashes one usable frame a second', () => {
    expect(video.original!.length).toBe(20);
    expect(uniqueFrames(video.original!).length).toBeGreaterThanOrEqual(15);
  });

  it('matches a re-encoded, rescaled copy on both sides', () => {
    const [match, ...rest] = index.search(video.reencoded!);
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ videoId: 1 });
    expect(match!.queryMatchPercent).toBeGreaterThanOrEqual(80);
    expect(match!.compareMatchPercent).toBeGreaterThanOrEqual(80);
  });

  it('matches a clip cut from the video by the query side', () => {
    const matches = index.search(video.cut!);
    expect(matches.map((m) => m.videoId)).toEqual([1]);
    expect(matches[0]!.queryMatchPercent).toBeGreaterThanOrEqual(80);
    expect(matches[0]!.compareMatchPercent).toBeLessThan(80);
  });

  it('matches a compilation containing the video by the compared side, and not the 8 s it borrowed', () => {
    const matches = index.search(video.compilation!);
    expect(matches.map((m) => m.videoId)).toEqual([1]);
    expect(matches[0]!.compareMatchPercent).toBeGreaterThanOrEqual(80);
    expect(matches[0]!.queryMatchPercent).toBeLessThan(80);
  });

  it('does not match an unrelated video', () => {
    expect(index.search(video.other!)).toEqual([]);
  });

  it('needs a minimum of matching frames, so a short shared intro matches nothing', () => {
    const intro = video.original!.slice(0, 2);
    expect(index.search(intro)).toEqual([]);
    expect(index.search(intro, { minMatchingFrames: 1 }).map((m) => m.videoId)).toEqual([1]);
  });

  it('drops low-quality frames and stops matching a removed video', () => {
    const blank = video.original!.map((f) => ({ ...f, quality: 10 }));
    expect(index.search(blank)).toEqual([]);
    const own = new VpdqIndex();
    own.add(7, video.original!);
    expect(own.remove(7)).toBe(true);
    expect(own.search(video.reencoded!)).toEqual([]);
    expect(own.add(8, blank)).toBe(false);
  });

  it('counts duplicated frames once', () => {
    const frozen = Array.from({ length: 30 }, (_, i) => ({ ...video.original![3]!, frame: i * 10, timestamp: i }));
    expect(uniqueFrames(frozen)).toEqual([video.original![3]!.pdq]);
  });
});
