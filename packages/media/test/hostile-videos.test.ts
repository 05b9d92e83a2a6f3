// Hostile and unusual video files: clear reasons, no crash, ffmpeg killed on
// time, limits enforced.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_VIDEO_LIMITS, type VideoLimits, hashFile, hashVideo } from '@disrupt/media';
import { afterAll, describe, expect, it } from 'vitest';
import { PDQ_DIR, VPDQ_DIR } from '../../../test/reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'disrupt-hostile-video-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sample = join(VPDQ_DIR, 'sample-videos/doorknob-hd-no-bar.mp4');
const longer = join(VPDQ_DIR, 'sample-videos/chair-22-sd-grey-bar.mp4');

async function reasonOf(path: string, limits: Partial<VideoLimits> = {}, secondsPerHash = 1): Promise<string> {
  const result = await hashVideo(path, { limits: { ...DEFAULT_VIDEO_LIMITS, ...limits }, secondsPerHash });
  return result.ok ? 'ok' : result.reason;
}

describe('refused videos', () => {
  it('refuses a still image handed to the video decoder', async () => {
    expect(await reasonOf(join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg'))).toBe('unsupported_format');
  });

  it('refuses text and random bytes dressed as MP4', async () => {
    const fake = join(dir, 'fake.mp4');
    writeFileSync(fake, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(2000, 7)]));
    expect(await reasonOf(fake)).not.toBe('ok');
    const result = await hashFile(fake);
    expect(result.ok).toBe(false);
    const text = join(dir, 'notes.mp4');
    writeFileSync(text, 'just some words');
    const textResult = await hashFile(text);
    expect(textResult.ok ? 'ok' : textResult.reason).toBe('unsupported_format');
  });

  it('refuses a truncated MP4', async () => {
    const truncated = join(dir, 'truncated.mp4');
    const bytes = readFileSync(sample);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const reason = await reasonOf(truncated);
    expect(reason).toBe('corrupt_file');
  });

  it('refuses a file with no video stream', async () => {
    const audio = join(dir, 'audio.m4a');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', audio]);
    expect(await reasonOf(audio)).toBe('no_video_stream');
  });

  it('enforces duration, frame size and byte limits', async () => {
    expect(await reasonOf(sample, { maxDurationSeconds: 1 })).toBe('too_long');
    expect(await reasonOf(sample, { maxFramePixels: 640 * 480 })).toBe('too_many_pixels');
    const result = await hashFile(sample, { videoLimits: { ...DEFAULT_VIDEO_LIMITS, maxBytes: 1000 } });
    expect(result.ok ? 'ok' : result.reason).toBe('too_large');
  });

  it('kills ffmpeg when decoding runs out of time', async () => {
    const started = Date.now();
    expect(await reasonOf(longer, { timeoutSeconds: 1 }, 0)).toBe('timeout');
    // Every frame of this video takes several seconds; the limit stopped it.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('hashes the same video fine within the limits', async () => {
    expect(await reasonOf(sample)).toBe('ok');
  });
});
