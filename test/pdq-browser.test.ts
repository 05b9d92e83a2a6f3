// The PDQ reference vectors in Chromium: the pure core, bundled for the
// browser exactly as the portal's worker will use it, must give Meta's hashes
// from the same pixels as in Node.
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DecodedImage } from '@disrupt/media';
import { decodeImage } from '@disrupt/media';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocal, launchChromium, recordRequests } from './browser.ts';
import { PDQ_DIR, REPO_ROOT, readTsv } from './reference.ts';

interface BrowserResult {
  readonly file: string;
  readonly reference: { hash: string; quality: number };
  readonly full: { hash: string; quality: number };
  readonly dihedral: { quality: number; hashes: Record<string, string> };
}

const reference = readTsv(join(PDQ_DIR, 'expected.tsv'));
const full = readTsv(join(PDQ_DIR, 'expected-fullres.tsv'));
const dihedral = readTsv(join(PDQ_DIR, 'expected-dihedral.tsv'));
const files = reference.map((r) => r.file!);

let server: Server;
let browser: Browser;
let userAgent = '';
let requests: string[] = [];
const results = new Map<string, BrowserResult>();

beforeAll(async () => {
  // The pure core must bundle for a browser: a Node import would fail here.
  const bundle = await build({
    entryPoints: [join(REPO_ROOT, 'packages/hashing/src/index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'DisruptHashing',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const images: DecodedImage[] = [];
  for (const file of files) {
    const decoded = await decodeImage(await readFile(join(PDQ_DIR, file)));
    if (!decoded.ok) throw new Error(`${file}: ${decoded.message}`);
    images.push(decoded.value);
  }

  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script src="/hashing.js"></script>');
    } else if (url === '/hashing.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (url === '/images.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(images.map((img, i) => ({ file: files[i], width: img.width, height: img.height, channels: img.channels }))));
    } else if (url.startsWith('/pixels/')) {
      const image = images[Number(url.slice('/pixels/'.length))];
      if (!image) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  browser = await launchChromium();
  const page = await browser.newPage();
  requests = recordRequests(page);
  await page.goto(`http://127.0.0.1:${port}/`);
  userAgent = await page.evaluate(() => navigator.userAgent);
  const computed = await page.evaluate(async () => {
    type Pixels = { width: number; height: number; channels: number; data: Uint8Array };
    type Hashing = {
      pdq(p: Pixels, o: { pipeline: string }): { hash: string; quality: number };
      pdqDihedral(p: Pixels, o: { pipeline: string }): { quality: number; hashes: Record<string, string> };
    };
    const hashing = (globalThis as unknown as { DisruptHashing: Hashing }).DisruptHashing;
    const list = (await (await fetch('/images.json')).json()) as { file: string; width: number; height: number; channels: number }[];
    const out = [];
    for (const [i, meta] of list.entries()) {
      const data = new Uint8Array(await (await fetch(`/pixels/${i}`)).arrayBuffer());
      const pixels = { width: meta.width, height: meta.height, channels: meta.channels, data };
      out.push({
        file: meta.file,
        reference: hashing.pdq(pixels, { pipeline: 'reference' }),
        full: hashing.pdq(pixels, { pipeline: 'full' }),
        dihedral: hashing.pdqDihedral(pixels, { pipeline: 'reference' }),
      });
    }
    return out;
  });
  for (const result of computed as BrowserResult[]) results.set(result.file, result);
}, 120_000);

afterAll(async () => {
  await browser.close();
  await new Promise((resolve) => server.close(resolve));
});

function resultOf(file: string): BrowserResult {
  const result = results.get(file);
  if (!result) throw new Error(`no browser result for ${file}`);
  return result;
}

describe('PDQ reference vectors (Chromium)', () => {
  it('ran in Chromium, with no request leaving the machine', () => {
    expect(userAgent).toContain('Chrome');
    expect(requests.length).toBeGreaterThan(files.length);
    expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    expect(results.size).toBe(49);
  });

  it.each(reference.map((r) => [r.file!, r] as const))('reference pipeline: %s', (file, row) => {
    expect(resultOf(file).reference).toEqual({ hash: row.hash_hex, quality: Number(row.quality) });
  });

  it.each(full.map((r) => [r.file!, r] as const))('full-resolution pipeline: %s', (file, row) => {
    expect(resultOf(file).full).toEqual({ hash: row.hash_hex, quality: Number(row.quality) });
  });

  it.each(dihedral.map((r) => [r.file!, r] as const))('dihedral hashes: %s', (file, row) => {
    const { quality, hashes } = resultOf(file).dihedral;
    expect(quality).toBe(Number(row.quality));
    const names = ['orig', 'rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'];
    expect(hashes).toEqual(Object.fromEntries(names.map((name) => [name, row[name]])));
  });
});
