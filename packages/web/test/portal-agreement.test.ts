// Agreement: the fingerprints the portal sends from Chromium equal what
// `disrupt hash --json` prints for the same files — every photo of Meta's
// bridge-mods set and a video made here by ffmpeg — taken from the very
// request the page sent to POST /api/victim/case/items.
//
// Photos must agree exactly (PDQ, quality, MD5). Videos: MD5 exactly and the
// same sampled frames; a frame's PDQ may differ by a few bits, because the
// browser's H.264 decoder hands us YUV and we convert it to RGB ourselves
// (BT.601, as vPDQ's ffmpeg does) without ffmpeg's fixed-point rounding. The
// distances are printed and held to the matcher's own threshold.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hammingDistance, parsePdqHash } from '@disrupt/hashing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocal, launchChromium } from '../../../test/browser.ts';
import { PDQ_DIR } from '../../../test/reference.ts';
import { makePhotos } from './fixtures.ts';
import { report } from './flow.ts';
import { type Portal, REPO_ROOT, startPortal } from './harness.ts';

interface CliLine {
  readonly file: string;
  readonly kind: 'photo' | 'video';
  readonly pdq?: string;
  readonly quality?: number;
  readonly md5: string;
  readonly vpdq?: { frame: number; quality: number; pdq: string; timestamp: number }[];
}

interface SentItem {
  readonly type: string;
  readonly pdq?: string;
  readonly quality?: number;
  readonly md5?: string;
  readonly vpdq?: { frame: number; quality: number; pdq: string; timestamp: number }[];
}

const BRIDGE = join(PDQ_DIR, 'data', 'bridge-mods');
let portal: Portal | undefined;
let folder = '';
const cli = new Map<string, CliLine>();
const sent: SentItem[] = [];
const requests: string[] = [];

function distance(a: string, b: string): number {
  const x = parsePdqHash(a);
  const y = parsePdqHash(b);
  if (!x.ok || !y.ok) throw new Error('bad hash');
  return hammingDistance(x.value, y.value);
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'disrupt-agreement-'));
  for (const name of readdirSync(BRIDGE)) copyFileSync(join(BRIDGE, name), join(folder, name));
  // 4 s of ffmpeg's test pattern at 25 fps, H.264 in MP4 as phones make them.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '4', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', join(folder, 'clip.mp4')]);
  // The pixel policy: EXIF orientation is ignored (the same photo, tagged "rotate 90°"), and so is alpha.
  const [base] = await makePhotos(folder, 1, { prefix: 'policy', width: 640, height: 400 });
  await sharp(base).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toFile(join(folder, 'exif-rotated.jpg'));
  const { data, info } = await sharp(base).raw().toBuffer({ resolveWithObject: true });
  const rgba = Buffer.alloc(info.width * info.height * 4);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    data.copy(rgba, j, i, i + 3);
    rgba[j + 3] = 255 - ((j >> 2) % 97); // translucent everywhere, never fully transparent
  }
  await sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toFile(join(folder, 'translucent.png'));
  rmSync(base!);
  const files = readdirSync(folder).sort();
  const out = execFileSync(process.execPath, [join(REPO_ROOT, 'packages/cli/bin/disrupt.js'), 'hash', '--json', ...files], { cwd: folder, encoding: 'utf8' });
  for (const line of out.trim().split('\n')) {
    const parsed = JSON.parse(line) as CliLine;
    cli.set(parsed.file, parsed);
  }

  portal = await startPortal();
  const origin = portal.origin;
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    context.on('request', (request) => {
      requests.push(request.url());
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/victim/case/items') {
        const body = JSON.parse(request.postData() ?? '{}') as { items: SentItem[] };
        sent.push(...body.items);
      }
    });
    await page.goto(`${origin}/`);
    await report(page, 'en', { situation: 'online', age: 'adult', ai: 'no', folder });
  } finally {
    await browser.close();
  }
}, 300_000);

afterAll(async () => {
  await portal?.close();
  if (folder !== '') rmSync(folder, { recursive: true, force: true });
});

describe('browser fingerprints agree with `disrupt hash --json`', () => {
  it('sent one item per file, only to the portal itself', () => {
    expect(cli.size).toBe(15);
    expect(sent).toHaveLength(15);
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
  });

  it.each(readdirSync(BRIDGE).sort())('photo %s: same PDQ, quality and MD5', (name) => {
    const expected = cli.get(name)!;
    const item = sent.find((s) => s.md5 === expected.md5);
    expect(item, `no item with the MD5 of ${name}`).toBeDefined();
    expect(item!.type).toBe('photo');
    const d = distance(item!.pdq!, expected.pdq!);
    if (d !== 0) console.log(`${name}: Hamming distance ${d}`);
    expect({ pdq: item!.pdq, quality: item!.quality }).toEqual({ pdq: expected.pdq, quality: expected.quality });
  });

  it('a photo tagged with an EXIF rotation: hashed as stored, not rotated, as the reference does', () => {
    const expected = cli.get('exif-rotated.jpg')!;
    const item = sent.find((s) => s.md5 === expected.md5)!;
    expect({ pdq: item.pdq, quality: item.quality }).toEqual({ pdq: expected.pdq, quality: expected.quality });
  });

  it('a translucent PNG: alpha ignored (the canvas keeps premultiplied pixels, so R, G, B could round; measured: distance 0)', () => {
    const expected = cli.get('translucent.png')!;
    const item = sent.find((s) => s.md5 === expected.md5)!;
    const d = distance(item.pdq!, expected.pdq!);
    console.log(`translucent.png: Hamming distance ${d}, quality ${item.quality} vs ${expected.quality}`);
    expect(d).toBeLessThanOrEqual(16);
  });

  it('video: same MD5, same sampled frames, frame hashes within a few bits', () => {
    const expected = cli.get('clip.mp4')!;
    const item = sent.find((s) => s.type === 'video');
    expect(item).toBeDefined();
    expect(item!.md5).toBe(expected.md5);
    const frames = item!.vpdq!;
    expect(frames.map((f) => f.frame)).toEqual(expected.vpdq!.map((f) => f.frame));
    const distances = frames.map((f, i) => distance(f.pdq, expected.vpdq![i]!.pdq));
    console.log(`video frames (${frames.length}): Hamming distances to ffmpeg's ${distances.join(', ')}; qualities ${frames.map((f) => f.quality).join(', ')} vs ${expected.vpdq!.map((f) => f.quality).join(', ')}`);
    for (const [i, f] of frames.entries()) expect(f.timestamp).toBeCloseTo(expected.vpdq![i]!.timestamp, 6);
    // Far inside the match threshold (31): the same frames, decoded alike.
    for (const d of distances) expect(d).toBeLessThanOrEqual(16);
  });
});
