import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PDQ_DIR, REPO_ROOT, VPDQ_DIR, vectorRow } from '../../../../test/reference.ts';
import { main } from '../main.ts';
import { captureIo } from '../test-io.ts';

const execFileAsync = promisify(execFile);
const photo = join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg');
const video = join(VPDQ_DIR, 'sample-videos/doorknob-hd-no-bar.mp4');
const BRIDGE = 'data/bridge-mods/aaa-orig.jpg';
const bridgeHash = vectorRow('expected.tsv', BRIDGE).hash_hex;

function jsonLines(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('disrupt hash', () => {
  it('prints a photo as one JSON object with the reference hash', async () => {
    const io = captureIo();
    expect(await main(['hash', '--json', photo], io)).toBe(0);
    const [line] = jsonLines(io.out());
    expect(line).toMatchObject({
      file: photo,
      kind: 'photo',
      pdq: bridgeHash,
      quality: 100,
      md5: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
    expect(Object.keys(line!).slice(0, 6)).toEqual(['file', 'kind', 'pdq', 'quality', 'md5', 'sha256']);
  });

  it('uses the full-resolution pipeline when asked', async () => {
    const io = captureIo();
    expect(await main(['hash', '--json', '--pipeline', 'full', photo], io)).toBe(0);
    expect(jsonLines(io.out())[0]!.pdq).toBe(vectorRow('expected-fullres.tsv', BRIDGE).hash_hex);
  });

  it('adds the eight dihedral hashes with the reference names', async () => {
    const io = captureIo();
    expect(await main(['hash', '--json', '--dihedral', photo], io)).toBe(0);
    const row = vectorRow('expected-dihedral.tsv', BRIDGE);
    expect(jsonLines(io.out())[0]!.dihedral).toEqual({
      orig: row.orig,
      rot90: row.rot90,
      rot180: row.rot180,
      rot270: row.rot270,
      flipx: row.flipx,
      flipy: row.flipy,
      flipplus1: row.flipplus1,
      flipminus1: row.flipminus1,
    });
  });

  it('prints a video with its vPDQ frames and MD5', async () => {
    const io = captureIo();
    expect(await main(['hash', '--json', video], io)).toBe(0);
    const [line] = jsonLines(io.out());
    expect(line).toMatchObject({ file: video, kind: 'video', md5: '9108849f0d0bb6d3c40844f4eb72767b' });
    const frames = line!.vpdq as { frame: number; quality: number; pdq: string; timestamp: number }[];
    expect(frames.map((f) => f.frame)).toEqual([0, 30, 60, 90]);
    expect(frames[1]).toMatchObject({ quality: expect.any(Number) as unknown, timestamp: 1 });
    expect(frames[0]!.pdq).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports files it cannot hash, keeps going, and exits 1', async () => {
    const io = captureIo();
    const readme = join(PDQ_DIR, 'README.md');
    const code = await main(['hash', '--json', '/no/such/file.jpg', readme, photo], io);
    expect(code).toBe(1);
    const lines = jsonLines(io.out());
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({ file: '/no/such/file.jpg', error: 'no such file' });
    expect(lines[1]).toEqual({ file: readme, error: expect.stringContaining('not a supported image or video') as unknown });
    expect(lines[2]!.kind).toBe('photo');
  });

  it('prints one tab-separated line per file without --json', async () => {
    const io = captureIo();
    expect(await main(['hash', photo, video], io)).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.split('\t').slice(0, 4)).toEqual([photo, 'photo', bridgeHash, '100']);
    expect(lines[1]!.split('\t').slice(0, 3)).toEqual([video, 'video', '4 frames']);
  });

  it('rejects a bad command line with exit code 2 and the usage', async () => {
    const io = captureIo();
    expect(await main(['hash'], io)).toBe(2);
    expect(io.err()).toContain('Usage: disrupt hash');
    const io2 = captureIo();
    expect(await main(['hash', '--pipeline', 'fast', photo], io2)).toBe(2);
    const io3 = captureIo();
    expect(await main(['hash', '--bogus', photo], io3)).toBe(2);
  });

  it('runs as `disrupt` from the repository root (bin + tsx loader)', async () => {
    const { stdout } = await execFileAsync(process.execPath, [join(REPO_ROOT, 'packages/cli/bin/disrupt.js'), 'hash', '--json', photo], { cwd: REPO_ROOT });
    expect(JSON.parse(stdout.trim())).toMatchObject({ kind: 'photo', pdq: bridgeHash });
    const failed = await execFileAsync(process.execPath, [join(REPO_ROOT, 'packages/cli/bin/disrupt.js'), 'hash', '/nope.jpg'], { cwd: REPO_ROOT }).catch((e: unknown) => e as { code: number });
    expect((failed as { code: number }).code).toBe(1);
  });
});
