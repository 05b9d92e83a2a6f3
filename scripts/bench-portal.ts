// npm run bench:portal [-- --photos N --megapixels M]: how long the victim
// portal takes, in headless Chromium on this machine, to fingerprint a batch
// of N photos of M megapixels (default 100 × 12 MP, 4000×3000 JPEG) — from
// the moment the files are chosen to the moment every one is done. The same
// page, worker pool and server as `npm start`; nothing is asserted.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/browser.ts';
import { makePhotos } from '../packages/web/test/fixtures.ts';
import { MESSAGES, next, waitForHashing } from '../packages/web/test/flow.ts';
import { startPortal } from '../packages/web/test/harness.ts';

const { values } = parseArgs({ options: { photos: { type: 'string', default: '100' }, megapixels: { type: 'string', default: '12' } } });
const count = Number(values.photos);
const megapixels = Number(values.megapixels);
const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
const height = Math.round((width * 3) / 4);

const dir = mkdtempSync(join(tmpdir(), 'disrupt-bench-portal-'));
try {
  process.stderr.write(`making ${count} photos of ${width}×${height}…\n`);
  const photos = await makePhotos(dir, count, { width, height, prefix: 'bench' });
  const bytes = photos.reduce((sum, p) => sum + statSync(p).size, 0);
  const portal = await startPortal();
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    const m = MESSAGES.en;
    await page.goto(`${portal.origin}/`);
    await page.getByRole('button', { name: m.home.report }).click();
    await page.getByLabel(m.steps.situation.online).check();
    await next(page, m);
    await page.getByLabel(m.steps.age.adult, { exact: true }).check();
    await next(page, m);
    await page.getByLabel(m.steps.ai.no, { exact: true }).check();
    await next(page, m);
    const workers = await page.evaluate(() => Math.min(4, Math.max(2, navigator.hardwareConcurrency || 2)));
    const started = performance.now();
    await page.getByLabel(m.steps.items.files).setInputFiles(photos);
    await waitForHashing(page, count, 3_600_000);
    const seconds = (performance.now() - started) / 1000;
    const failed = await page.locator('.file-row[data-state=failed]').count();
    console.log(
      `${count} photos of ${(width * height / 1e6).toFixed(1)} MP (${width}×${height} JPEG, ${(bytes / 1e6).toFixed(0)} MB): ` +
        `${seconds.toFixed(1)} s in Chromium, ${(seconds / count).toFixed(2)} s a photo, ${workers} workers on ${availableParallelism()} cores; ${failed} failed`,
    );
  } finally {
    await browser.close();
    await portal.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
