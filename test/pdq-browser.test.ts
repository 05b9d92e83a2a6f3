// The PDQ reference vectors in Chromium: the pure core, bundled for the
// browser as the portal will ship it, must give Meta's hashes and qualities
// from the same pixels as in Node (decoded once here, by the sharp adapter,
// and served raw). Mirrors packages/media/test/pdq-vectors.test.ts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIHEDRAL_NAMES, type PdqDihedralResult, type PdqResult, type Pixels, type pdq, type pdqDihedral } from '@disrupt/hashing';
import { type DecodedImage, decodeImage } from '@disrupt/media';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_BUILD, type LocalServer, bundleForBrowser, isLocal, serveLocal, withChromium } from './browser.ts';
import { PDQ_DIR, REPO_ROOT, readTsv } from './reference.ts';

/** What the page sees: the bundle's global. */
interface Hashing {
  readonly pdq: typeof pdq;
  readonly pdqDihedral: typeof pdqDihedral;
}

type ImageMeta = Pick<Pixels, 'width' | 'height' | 'channels'>;

interface BrowserResult {
  /** Bytes the page fetched for the image, to prove it hashed whole pixels. */
  readonly received: number;
  readonly reference: PdqResult;
  readonly full: PdqResult;
  readonly dihedral: PdqDihedralResult;
}

const reference = readTsv(join(PDQ_DIR, 'expected.tsv'));
const full = readTsv(join(PDQ_DIR, 'expected-fullres.tsv'));
const dihedral = readTsv(join(PDQ_DIR, 'expected-dihedral.tsv'));
const files = reference.map((r) => r.file!);

let server: LocalServer | undefined;
let userAgent = '';
let requests: readonly string[] = [];
const images = new Map<string, DecodedImage>();
const results = new Map<string, BrowserResult>();

beforeAll(async () => {
  // The pure core must bundle for a browser: a Node import would fail here.
  const script = await bundleForBrowser(join(REPO_ROOT, 'packages/hashing/src/index.ts'), 'DisruptHashing');

  const decoded: DecodedImage[] = [];
  for (const file of files) {
    const result = await decodeImage(await readFile(join(PDQ_DIR, file)));
    if (!result.ok) throw new Error(`${file}: ${result.message}`);
    decoded.push(result.value);
    images.set(file, result.value);
  }

  server = await serveLocal((path) => {
    if (path === '/') return { type: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>PDQ</title><script src="/hashing.js"></script>' };
    if (path === '/hashing.js') return { type: 'text/javascript; charset=utf-8', body: script };
    const match = /^\/pixels\/(\d+)$/.exec(path);
    const image = match ? decoded[Number(match[1])] : undefined;
    if (!image) return undefined;
    return { type: 'application/octet-stream', body: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength) };
  });
  const origin = server.origin;

  const meta: ImageMeta[] = decoded.map(({ width, height, channels }) => ({ width, height, channels }));
  const run = await withChromium(async ({ page, requests: seen }) => {
    await page.goto(`${origin}/`);
    const agent = await page.evaluate(() => navigator.userAgent);
    // One evaluate for all 49 vectors: fetch each image's pixels, hash them
    // with both pipelines and the eight dihedral transforms.
    const computed = await page.evaluate(async (list: ImageMeta[]): Promise<BrowserResult[]> => {
      const hashing = (globalThis as unknown as { DisruptHashing: Hashing }).DisruptHashing;
      const out: BrowserResult[] = [];
      for (const [i, { width, height, channels }] of list.entries()) {
        const response = await fetch(`/pixels/${i}`);
        if (!response.ok) throw new Error(`/pixels/${i}: HTTP ${response.status}`);
        const data = new Uint8Array(await response.arrayBuffer());
        const pixels: Pixels = { width, height, channels, data };
        out.push({
          received: data.length,
          reference: hashing.pdq(pixels, { pipeline: 'reference' }),
          full: hashing.pdq(pixels, { pipeline: 'full' }),
          dihedral: hashing.pdqDihedral(pixels, { pipeline: 'reference' }),
        });
      }
      return out;
    }, meta);
    return { agent, computed, requests: [...seen] };
  });

  userAgent = run.agent;
  requests = run.requests;
  run.computed.forEach((result, i) => results.set(files[i]!, result));
}, 180_000);

afterAll(async () => {
  await server?.close();
});

function resultOf(file: string): BrowserResult {
  const result = results.get(file);
  if (!result) throw new Error(`no browser result for ${file}`);
  return result;
}

function imageOf(file: string): DecodedImage {
  const image = images.get(file);
  if (!image) throw new Error(`${file} was not decoded`);
  return image;
}

describe('PDQ reference vectors (Chromium)', () => {
  it('covers every file of the three vector lists', () => {
    expect(reference.length).toBe(49);
    expect(full.length).toBe(49);
    expect(dihedral.length).toBe(49);
    expect(results.size).toBe(49);
    for (const file of files) expect([file, resultOf(file).received]).toEqual([file, imageOf(file).data.byteLength]);
  });

  it('ran in Chromium, with no request leaving 127.0.0.1', () => {
    expect(userAgent).toContain('Chrome');
    // The page, the bundle and one fetch per image, all on loopback.
    expect(requests.length).toBeGreaterThanOrEqual(files.length + 2);
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
  });

  it('the browser build refuses Node built-ins', async () => {
    await expect(build({ ...BROWSER_BUILD, stdin: { contents: "import { readFileSync } from 'node:fs'; readFileSync('x');", resolveDir: REPO_ROOT } })).rejects.toThrow(/node:fs/);
  });

  it.each(reference.map((r) => [r.file!, r] as const))('reference pipeline: %s', (file, row) => {
    const { hash, quality } = resultOf(file).reference;
    expect({ hash, quality }).toEqual({ hash: row.hash_hex, quality: Number(row.quality) });
  });

  it.each(full.map((r) => [r.file!, r] as const))('full-resolution pipeline: %s', (file, row) => {
    const image = imageOf(file);
    const [w, h] = row.width_x_height_x_channels_as_decoded!.split('x').map(Number);
    expect([image.width, image.height]).toEqual([w, h]);
    const { hash, quality } = resultOf(file).full;
    expect({ hash, quality }).toEqual({ hash: row.hash_hex, quality: Number(row.quality) });
  });

  it.each(dihedral.map((r) => [r.file!, r] as const))('dihedral hashes: %s', (file, row) => {
    const result = resultOf(file).dihedral;
    expect(result.quality).toBe(Number(row.quality));
    for (const name of DIHEDRAL_NAMES) expect([name, result.hashes[name]]).toEqual([name, row[name]]);
  });
});
