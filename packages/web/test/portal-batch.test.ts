// One batch of 100 photos, in French: every file fingerprinted in the worker
// pool, 100 distinct photo items sent in one request, and not one byte,
// base64 run or name of any of them in any request the page made.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocal, launchChromium } from '../../../test/browser.ts';
import { makePhotos } from './fixtures.ts';
import { MESSAGES, fill, report, screenshot } from './flow.ts';
import { type Portal, startPortal } from './harness.ts';
import { type CapturedRequest, captureRequests, findLeaks } from './privacy.ts';

const COUNT = 100;
let portal: Portal;
let dir = '';
let photos: string[] = [];
let requests: CapturedRequest[] = [];
let hashingMs = 0;
let poolSize = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'disrupt-batch-'));
  photos = await makePhotos(dir, COUNT, { prefix: 'souvenir-c0de', width: 800, height: 600 });
  portal = await startPortal();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const captured = captureRequests(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${portal.origin}/`);
    let started = 0;
    await report(page, 'fr', {
      situation: 'online',
      age: 'adult',
      ai: 'no',
      files: photos,
      onStep: async (name) => {
        if (name === '3-ai') started = Date.now();
        if (name === '4-items') {
          hashingMs = Date.now() - started;
          await page.getByText(fill(MESSAGES.fr.steps.items.batchDone, { count: COUNT })).first().waitFor();
          await screenshot(page, 'fr-report-4-items-100-files-1280');
        }
      },
    });
    poolSize = await page.evaluate(() => Math.min(4, Math.max(2, navigator.hardwareConcurrency || 2)));
    await captured.settled();
    requests = captured.requests;
  } finally {
    await browser.close();
  }
}, 600_000);

afterAll(async () => {
  await portal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('100 files in one batch', () => {
  it('fingerprinted all of them and sent 100 distinct photo items', () => {
    console.log(`100 photos of 800×600: fingerprinted in ${(hashingMs / 1000).toFixed(1)} s (choose → all done) with ${poolSize} workers`);
    const posts = requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/victim/case/items'));
    expect(posts).toHaveLength(1);
    const items = (JSON.parse(posts[0]!.body!.toString('utf8')) as { items: { type: string; pdq: string; quality: number }[] }).items;
    expect(items).toHaveLength(COUNT);
    expect(new Set(items.map((i) => i.type))).toEqual(new Set(['photo']));
    expect(new Set(items.map((i) => i.pdq)).size).toBe(COUNT);
    for (const item of items) expect(item.quality).toBeGreaterThanOrEqual(50);
  });

  it('leaked nothing of any file, to nobody but the portal', () => {
    expect(requests.filter((r) => !isLocal(r.url))).toEqual([]);
    expect(findLeaks(requests, photos)).toEqual([]);
  });
});
