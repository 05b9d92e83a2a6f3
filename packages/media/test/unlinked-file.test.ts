// Plaintext handed to decoders in files with no name: ffmpeg seeks one (an MP4
// whose index follows its frames), heif-convert reads and writes them, the
// results equal those of the same bytes in a named file, and neither a name
// nor a descriptor outlives the call, whichever way it ends.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHashPool, decodeImage, hashFile, videoStill, withUnlinkedFile } from '@disrupt/media';
import { afterAll, describe, expect, it } from 'vitest';
import { PDQ_DIR } from '../../../test/reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'disrupt-unlinked-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** This process's descriptors of files that were deleted while open. */
function unlinkedDescriptors(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.endsWith(' (deleted)') ? [target] : [];
    } catch {
      return []; // the directory's own descriptor, closed by now
    }
  });
}

/** A 4-second MP4 as ffmpeg writes it by default: the index (moov) after the frames (mdat). */
function moovAtEnd(): { path: string; bytes: Buffer } {
  const path = join(dir, 'moov-at-end.mp4');
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:rate=25', '-t', '4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path]);
  const bytes = readFileSync(path);
  expect(bytes.indexOf('moov')).toBeGreaterThan(bytes.indexOf('mdat'));
  return { path, bytes };
}

describe('unlinked files', () => {
  it('hold the bytes under no name, and are closed after use, even when it throws', async () => {
    const bytes = Buffer.from(`plaintext ${Math.random()}`);
    const before = unlinkedDescriptors().length;
    await withUnlinkedFile(bytes, async (file) => {
      const target = readlinkSync(`/proc/self/fd/${file.fd}`);
      expect(target).toMatch(/ \(deleted\)$/);
      expect(existsSync(target.replace(/ \(deleted\)$/, ''))).toBe(false);
      expect(readFileSync(`/proc/self/fd/${file.fd}`)).toEqual(bytes);
      await Promise.resolve();
    });
    expect(unlinkedDescriptors()).toHaveLength(before);
    await expect(
      withUnlinkedFile(bytes, () => {
        throw new Error('decoder blew up');
      }),
    ).rejects.toThrow('decoder blew up');
    expect(unlinkedDescriptors()).toHaveLength(before);
  });

  it('let ffmpeg seek to an index at the end: the same vPDQ as the named file, in-process and in the pool', async () => {
    const { path, bytes } = moovAtEnd();
    const before = unlinkedDescriptors().length;
    const named = await hashFile(path);
    expect(named.ok && named.value.kind === 'video' && named.value.vpdq.length).toBe(4);
    expect(await withUnlinkedFile(bytes, (file) => hashFile(file))).toEqual(named);
    const pool = createHashPool({ size: 1 });
    try {
      expect(await withUnlinkedFile(bytes, (file) => pool.hashFile(file))).toEqual(named);
    } finally {
      await pool.close();
    }
    expect(unlinkedDescriptors()).toHaveLength(before);
  });

  it('give a preview its still', async () => {
    const { path, bytes } = moovAtEnd();
    const still = await withUnlinkedFile(bytes, (file) => videoStill(file));
    expect(still).toEqual(await videoStill(path));
    expect(still.ok && Buffer.from(still.value.subarray(1, 4)).toString('latin1')).toBe('PNG');
  });

  it('carry a HEIC photo into heif-convert and its pixels out', async () => {
    const jpeg = join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg');
    const heic = join(dir, 'photo.heic');
    execFileSync('heif-enc', ['-q', '50', '-p', 'preset=ultrafast', '-o', heic, jpeg], { stdio: 'ignore' });
    const before = unlinkedDescriptors().length;
    const decoded = await decodeImage(readFileSync(heic));
    expect(decoded.ok && decoded.value.format).toBe('heic');
    expect(decoded.ok && decoded.value.width * decoded.value.height).toBeGreaterThan(0);
    expect(unlinkedDescriptors()).toHaveLength(before);
  });
});
