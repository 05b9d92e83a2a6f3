// The whole path in Chromium, driven through the pages people use: a victim
// reports a web address and a photo (sent for verification) in the portal;
// an analyst claims it in the console, reveals the photo, accepts both; the
// photo's fingerprint reaches partners as verified; the analyst sends the
// host a notice (it arrives by e-mail), the host takes the page down, the
// re-check sees it gone; the victim's follow-up page says "Removed"; the
// supervisor's statistics count the removal.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../../../test/browser.ts';
import { as, consoleUser } from '../../server/test/console.ts';
import { type ContentHost, type SmtpFixture, startContentHost, startSmtp } from '../../server/test/fixtures.ts';
import { TEXTS, consolePage, consoleScreenshot, createStaff, signIn } from './console.ts';
import { makePhotos } from './fixtures.ts';
import { MESSAGES, fill, report } from './flow.ts';
import { type Portal, startPortal } from './harness.ts';

const c = TEXTS.en;
const victimTexts = MESSAGES.en;
const PATH = '/album/7';

let content: ContentHost;
let smtp: SmtpFixture;
let portal: Portal;
let browser: Browser;
let dir = '';
let photo = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'disrupt-console-e2e-'));
  [photo = ''] = await makePhotos(dir, 1, { prefix: 'beach-4c1d' });
  content = await startContentHost('forum.example');
  smtp = await startSmtp();
  portal = await startPortal({
    env: { DISRUPT_SMTP_URL: smtp.url, DISRUPT_FETCH_ALLOW: '127.0.0.1/32', DISRUPT_HOTLINE_NAME: 'Hotline de test', DISRUPT_HOTLINE_EMAIL: 'signalement@hotline.example' },
    start: { urlResolver: content.resolve },
  });
  browser = await launchChromium();
  const admin = await consoleUser(portal.server, 'admin');
  const host = await portal.server.app.inject(as(admin, { method: 'POST', url: '/api/console/hosts', payload: { domain: 'forum.example', name: 'Forum Example', abuseEmail: 'abuse@forum.example', language: 'fr' } }));
  expect(host.statusCode).toBe(201);
}, 240_000);

afterAll(async () => {
  await browser.close();
  await portal.close();
  await content.close();
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Decides the item on screen as intimate (adult) with the keyboard, revealing its media first when it has some. */
async function acceptByKeyboard(page: Page, previous: string | null): Promise<{ kind: 'url' | 'photo'; title: string }> {
  // The next item's page (a decision moves straight on to it).
  await page.waitForFunction((before) => {
    const h1 = document.querySelector('h1');
    return h1 !== null && / · item \d+ of 2$/.test(h1.textContent) && h1.textContent !== before;
  }, previous);
  const title = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
  const kind = title.startsWith(c.review.kind.photo) ? 'photo' : 'url';
  if (kind === 'photo') {
    await page.getByRole('img', { name: c.review.media.previewAlt.photo }).waitFor();
    await page.keyboard.press('v');
    await page.getByRole('img', { name: c.review.media.revealedAlt }).waitFor();
    await consoleScreenshot(page, 'e2e-photo-revealed');
  }
  await page.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press('1');
  return { kind, title };
}

it('a report becomes a verified hash, a notice and a removal, through the portal and the console', async () => {
  const url = `${content.origin}${PATH}`;

  // 1. The victim reports in the portal: a web address, and a photo sent for verification.
  const victim = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const victimPage = await victim.newPage();
  victimPage.setDefaultTimeout(30_000);
  await victimPage.goto(`${portal.origin}/`);
  const credentials = await report(victimPage, 'en', { situation: 'online', age: 'adult', ai: 'no', urls: [url], files: [photo], verify: [0] });
  expect(credentials.caseNumber).not.toBe('');

  // 2. An analyst claims from the queue and accepts both items by keyboard.
  const analyst = await createStaff(portal.server, 'analyst');
  const { page, context, problems } = await consolePage(browser);
  await signIn(page, portal.origin, analyst, '/console/queue');
  await page.getByRole('table', { name: fill(c.queue.caption, { count: 2 }) }).waitFor();
  await page.keyboard.press('n');
  const first = await acceptByKeyboard(page, null);
  const second = await acceptByKeyboard(page, first.title);
  expect([first.kind, second.kind].sort()).toEqual(['photo', 'url']);
  await page.getByText(c.queue.notices.queueDone).waitFor();

  // 3. The photo's fingerprint reaches partners, verified by the analyst.
  const created = await portal.server.partners.create('Video Site', { rateLimitPerMinute: 1000 }, 'system');
  if (!created.ok) throw new Error('partner not created');
  const feed = await portal.server.app.inject({ method: 'GET', url: '/api/partner/v1/feed?cursor=0', headers: { authorization: `Bearer ${created.credentials.apiKey}` } });
  const pdqRecords = feed.json<{ records: { signalType: string; verified: boolean; status: string }[] }>().records.filter((r) => r.signalType === 'pdq');
  expect(pdqRecords).toEqual([expect.objectContaining({ verified: true, status: 'active' })]);

  // 4. Takedowns: the URL awaits a notice; the analyst sends it and it arrives.
  await page.getByRole('link', { name: c.common.nav.takedowns }).click();
  const awaiting = page.getByRole('table', { name: c.takedowns.captions.awaiting });
  await awaiting.getByRole('row').filter({ hasText: url }).getByRole('link').click();
  const detail = page.getByRole('region', { name: c.takedowns.case.urlTitle.replace('{{position}}', '1') });
  await detail.getByText('abuse@forum.example').first().waitFor();
  await detail.getByRole('button', { name: c.takedowns.notice.send }).click();
  const mail = await until(() => smtp.received.find((m) => m.to.includes('abuse@forum.example')));
  expect(mail.text).toContain(url);
  await consoleScreenshot(page, 'e2e-notice-sent');

  // 5. The host takes the page down; the re-check sees it gone.
  content.setStatus(PATH, 410);
  await detail.getByRole('button', { name: c.takedowns.checks.now }).click();
  await detail.getByRole('table', { name: c.takedowns.checks.caption }).getByRole('cell', { name: c.takedowns.outcomes.removed }).waitFor();
  await consoleScreenshot(page, 'e2e-removed');
  expect(problems).toEqual([]);
  await context.close();

  // 6. The victim's follow-up page says so.
  await victimPage.goto(`${portal.origin}/follow-up`);
  await victimPage.getByLabel(victimTexts.followUp.caseNumber).fill(credentials.caseNumber);
  await victimPage.getByLabel(victimTexts.followUp.secret).fill(credentials.secret);
  await victimPage.getByRole('button', { name: victimTexts.followUp.signIn }).click();
  await victimPage.locator('li.case-item[data-status="removed"]').waitFor();
  expect(await victimPage.locator('li.case-item[data-status="removed"]').textContent()).toContain(victimTexts.followUp.status.removed);
  expect(await victimPage.locator('li.case-item').count()).toBe(2);
  await victim.close();

  // 7. The supervisor's statistics count it: one URL notified, removed.
  const supervisor = await createStaff(portal.server, 'supervisor');
  const stats = await consolePage(browser);
  await signIn(stats.page, portal.origin, supervisor, '/console/stats');
  const rate = stats.page.locator('.figure').filter({ hasText: c.stats.figures.removalRate }).locator('.figure-value');
  await rate.waitFor();
  expect(await rate.textContent()).toBe('100%');
  expect(stats.problems).toEqual([]);
  await stats.context.close();
});
