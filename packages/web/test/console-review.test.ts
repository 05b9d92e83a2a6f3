// The analysts' queue and review pages in Chromium against the real server:
// a victim's report with photos, a video and URLs (and a minor's case, which
// comes first); claim with `n`; the blurred preview, and the original fetched
// only on an explicit reveal (network capture), counted; video muted and
// paused; decisions by keyboard, landing on the next item; a case of 250
// items paged; the break prompt after N reveals and after minutes of review;
// roles (admin: not found; another analyst: read-only; supervisor: reverse);
// axe, screenshots, and no CSP violation or page error.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/browser.ts';
import { caseItems } from '../../server/src/db/schema.ts';
import { mediaTypeOf, sniffMediaType } from '../src/console/review/media-type.ts';
import { seriousViolations } from './axe.ts';
import { TEXTS, consolePage, consoleScreenshot, createStaff, signIn } from './console.ts';
import { makePhotos, makeVideo } from './fixtures.ts';
import { type Portal, startPortal } from './harness.ts';
import { addFingerprints, addUrls, openCase, sendMedia } from './victim-api.ts';

const q = TEXTS.en.queue;
const r = TEXTS.en.review;
const c = TEXTS.en.common;
/** The server settings for the break prompt, once the settings branch reads them (unknown variables are ignored before). */
const BREAK_ENV = { DISRUPT_BREAK_AFTER_REVEALS: '3', DISRUPT_BREAK_AFTER_MINUTES: '5' };

let portal: Portal;
let browser: Browser;
let dir = '';
let photos: string[] = [];
let video = '';

function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key] ?? ''));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'disrupt-console-review-'));
  photos = await makePhotos(dir, 3, { prefix: 'evidence' });
  video = makeVideo(join(dir, 'clip.mp4'));
  portal = await startPortal({ env: BREAK_ENV });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser.close();
  await portal.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * What the browser receives: every request the context makes, and the bytes
 * of every answer under /api/console/items/ (where previews and originals
 * come from), read at the network layer by a pass-through route (DevTools
 * cannot show the body of a response read into a Blob).
 */
async function captureResponses(context: BrowserContext) {
  const requests: { method: string; url: string }[] = [];
  const responses: { method: string; url: string; body: Buffer }[] = [];
  context.on('request', (request) => {
    requests.push({ method: request.method(), url: request.url() });
  });
  await context.route(
    (url) => url.pathname.startsWith('/api/console/items/'),
    async (route) => {
      const response = await route.fetch();
      const body = await response.body();
      responses.push({ method: route.request().method(), url: route.request().url(), body });
      await route.fulfill({ response, body });
    },
  );
  return { requests, responses };
}

/** True when a body is, or contains a run of, one of the originals. */
function carriesOriginal(body: Buffer, originals: readonly Buffer[]): boolean {
  return originals.some((original) => body.equals(original) || body.includes(original.subarray(200, 264)));
}

/** A request for an original (not the counter at /api/console/reveals). */
const isReveal = (url: string) => /^\/api\/console\/items\/[^/]+\/reveal$/.test(new URL(url).pathname);

const itemIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');

async function waitForItem(page: Page, kind: 'url' | 'photo' | 'video', position: number, count: number, itemId?: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: fill(r.heading, { kind: r.kind[kind], position, count }) }).waitFor();
  if (itemId !== undefined) expect(itemIdOf(page)).toBe(itemId);
}

async function waitForPreview(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('img.preview');
    return img !== null && img.complete && img.naturalWidth > 0;
  });
}

async function counter(page: Page, count: number): Promise<void> {
  await page.getByText(fill(r.revealsToday, { count }), { exact: true }).waitFor();
}

async function itemDetail(context: BrowserContext, itemId: string) {
  const answer = await context.request.get(`${portal.origin}/api/console/items/${itemId}`);
  expect(answer.status()).toBe(200);
  return (await answer.json()) as { item: { decision: string | null; decisionAiGenerated: boolean | null; decisionReason: string | null; claimedBy: string | null } };
}

/** The break thresholds the page uses: the server's settings, as /api/console/me gives them. */
async function breakThresholds(context: BrowserContext): Promise<{ reveals: number; minutes: number }> {
  const me = (await (await context.request.get(`${portal.origin}/api/console/me`)).json()) as { settings: { breakAfterReveals: number; breakAfterMinutes: number } };
  return { reveals: me.settings.breakAfterReveals, minutes: me.settings.breakAfterMinutes };
}

describe('revealed media types', () => {
  const bytes = (...values: number[]) => new Uint8Array([...values, ...new Array<number>(16).fill(0)]);
  const text = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

  it('recognises the allowed images and videos from their first bytes', () => {
    expect(sniffMediaType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffMediaType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('image/png');
    expect(sniffMediaType(bytes(...text('GIF89a')))).toBe('image/gif');
    expect(sniffMediaType(bytes(...text('RIFF'), 1, 2, 3, 4, ...text('WEBP')))).toBe('image/webp');
    expect(sniffMediaType(bytes(0x1a, 0x45, 0xdf, 0xa3))).toBe('video/webm');
    expect(sniffMediaType(bytes(0, 0, 0, 0x20, ...text('ftypisom')))).toBe('video/mp4');
    expect(sniffMediaType(bytes(0, 0, 0, 0x14, ...text('ftypqt  ')))).toBe('video/quicktime');
  });

  it('never shows SVG or HTML, whatever the header says', () => {
    const svg = new Uint8Array(text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    const html = new Uint8Array(text('<!doctype html><script>alert(1)</script>'));
    expect(mediaTypeOf(null, svg)).toBeNull();
    expect(mediaTypeOf('image/svg+xml', svg)).toBeNull();
    expect(mediaTypeOf('text/html', html)).toBeNull();
    // An allowed declared type is taken; a forbidden one falls back to the bytes.
    expect(mediaTypeOf('image/png; charset=binary', bytes(0xff, 0xd8, 0xff))).toBe('image/png');
    expect(mediaTypeOf('image/svg+xml', bytes(0xff, 0xd8, 0xff))).toBe('image/jpeg');
  });
});

describe('queue and review', () => {
  it('an analyst reviews a whole report by keyboard: minors first, preview by default, the original only on reveal, decisions land on the next item', async () => {
    // The adult's report comes first in time; the minor's must still come first in the queue.
    const adult = await openCase(portal.server, { ageGroup: 'adult', description: 'My ex posted these after we split up.\nThe first link is a forum.', aiGenerated: 'unsure' });
    const photo1 = await sendMedia(portal.server, adult, photos[0]!);
    const photo2 = await sendMedia(portal.server, adult, photos[1]!);
    const clip = await sendMedia(portal.server, adult, video);
    const [adultUrl] = await addUrls(portal.server, adult, ['https://adult-host.example/v/2?ref=share']);
    const minor = await openCase(portal.server, { ageGroup: 'minor', description: 'A video of me at 16 on this site.' });
    const [minorUrl] = await addUrls(portal.server, minor, ['https://minor-host.example/watch/123']);
    const originals = [photos[0]!, photos[1]!, video].map((path) => readFileSync(path));

    const analyst = await createStaff(portal.server, 'analyst');
    const { page, context, problems } = await consolePage(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal.origin });
    const captured = await captureResponses(context);
    await signIn(page, portal.origin, analyst);
    expect(new URL(page.url()).pathname).toBe('/console/queue');

    // The queue: five items, the minor's first, marked with a word and not only a colour.
    const table = page.getByRole('table', { name: fill(q.caption, { count: 5 }) });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(5);
    expect(await rows.first().getAttribute('data-age-group')).toBe('minor');
    expect(await rows.first().locator('.badge.minor').textContent()).toBe(q.priority.minor);
    expect(await rows.nth(1).getAttribute('data-age-group')).toBe('adult');
    expect(await page.locator('kbd', { hasText: /^n$/ }).count()).toBe(1);
    await counter(page, 0);
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'queue');

    // `n` claims the minor's URL and opens it.
    await page.keyboard.press('n');
    await waitForItem(page, 'url', 1, 1, minorUrl);
    await page.getByText(r.claim.mine.split('{{')[0]!.trim()).waitFor();
    const address = page.locator('.url-text code');
    expect(await address.textContent()).toBe('https://minor-host.example/watch/123');
    // The address is text, never a link that would load the content.
    expect(await page.locator('a[href*="minor-host.example"]').count()).toBe(0);
    await page.getByRole('button', { name: r.url.copy }).click();
    await page.getByText(r.url.copied).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('https://minor-host.example/watch/123');
    await page.getByText('A video of me at 16 on this site.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'review-url');
    // The reservation lapses while the analyst reads: the item is still theirs to decide, and the page says so.
    await portal.server.database.db.update(caseItems).set({ claimExpiresAt: new Date(Date.now() - 60_000) }).where(eq(caseItems.id, itemIdOf(page)));
    await page.reload();
    await page.getByText(r.claim.mineLapsed.split('{{')[0]!.trim()).waitFor();

    // `2`: intimate, minor → straight to the next item, the adult's first photo.
    await page.keyboard.press('2');
    await waitForItem(page, 'photo', 1, 4, photo1);
    await waitForPreview(page);
    const preview = page.getByRole('img', { name: r.media.previewAlt.photo });
    expect(await preview.getAttribute('src')).toBe(`/api/console/items/${photo1}/preview`);
    // Hovering the preview reveals nothing.
    await preview.hover();
    await counter(page, 0);
    expect(captured.requests.filter((x) => isReveal(x.url))).toEqual([]);
    expect(captured.responses.filter((x) => x.url.endsWith('/preview')).length).toBeGreaterThan(0);
    expect(captured.responses.filter((x) => carriesOriginal(x.body, originals)).map((x) => x.url)).toEqual([]);
    // The case's context and its other items.
    await page.getByText('My ex posted these after we split up.').waitFor();
    await page.getByText(fill(r.items.shown, { shown: 4, count: 4 })).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'review-photo-blurred');

    // An explicit click reveals: exactly one request, the original's bytes, a typed blob: URL, counted.
    await page.getByRole('button', { name: r.media.reveal }).click();
    const revealed = page.getByRole('img', { name: r.media.revealedAlt });
    await revealed.waitFor();
    await counter(page, 1);
    const blobUrl = (await revealed.getAttribute('src')) ?? '';
    expect(blobUrl.startsWith('blob:')).toBe(true);
    expect(await revealed.getAttribute('data-media-type')).toBe('image/jpeg');
    expect(captured.requests.filter((x) => isReveal(x.url)).length).toBe(1);
    const reveals = captured.responses.filter((x) => isReveal(x.url));
    expect(reveals.map((x) => [x.method, new URL(x.url).pathname])).toEqual([['POST', `/api/console/items/${photo1}/reveal`]]);
    expect(reveals[0]!.body.equals(originals[0]!)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'review-photo-revealed');

    // Hide again: the preview is back and the blob: URL no longer works.
    await page.getByRole('button', { name: r.media.hide }).click();
    await waitForPreview(page);
    const reload = (url: string) =>
      new Promise<string>((resolve) => {
        const img = new Image();
        img.onload = () => {
          resolve('readable');
        };
        img.onerror = () => {
          resolve('revoked');
        };
        img.src = url;
      });
    const before = problems.length;
    const failedLoad = page.waitForEvent('console', (message) => message.text().includes('ERR_FILE_NOT_FOUND'));
    expect(await page.evaluate(reload, blobUrl)).toBe('revoked');
    await failedLoad;
    // That failed load is the proof asked for, not a problem of the page.
    expect(problems.splice(before)).toEqual(['console: Failed to load resource: net::ERR_FILE_NOT_FOUND']);

    // `a` ticks AI-generated, `1` decides: intimate, adult.
    await page.keyboard.press('a');
    expect(await page.getByRole('checkbox', { name: r.decide.aiGenerated }).isChecked()).toBe(true);
    await page.keyboard.press('1');
    await waitForItem(page, 'photo', 2, 4, photo2);
    // The checkbox starts unticked on each item.
    expect(await page.getByRole('checkbox', { name: r.decide.aiGenerated }).isChecked()).toBe(false);
    await page.keyboard.press('3');

    // The video: revealed with `v`, muted, paused, no autoplay, with controls.
    await waitForItem(page, 'video', 3, 4, clip);
    await waitForPreview(page);
    expect(await page.getByRole('img', { name: r.media.previewAlt.video }).count()).toBe(1);
    await page.keyboard.press('v');
    const player = page.locator('video.revealed');
    await player.waitFor();
    await counter(page, 2);
    const state = await player.evaluate(async (element: HTMLVideoElement) => {
      if (element.readyState < 1) await new Promise((resolve) => { element.addEventListener('loadedmetadata', resolve, { once: true }); });
      return { muted: element.muted, paused: element.paused, autoplay: element.autoplay, controls: element.controls, src: element.src.slice(0, 5), type: element.dataset.mediaType, duration: Math.round(element.duration) };
    });
    expect(state).toEqual({ muted: true, paused: true, autoplay: false, controls: true, src: 'blob:', type: 'video/mp4', duration: 3 });
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'review-video-revealed');

    // `4`: not actionable, with a reason picked by keyboard.
    await page.keyboard.press('4');
    const reasons = page.getByRole('group', { name: r.decide.reasonTitle });
    await reasons.waitFor();
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('content_not_found');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    // The last one, the adult's URL: `5`, duplicate. Nothing left: back to the queue, which says so.
    await waitForItem(page, 'url', 4, 4, adultUrl);
    await page.keyboard.press('5');
    await page.getByText(q.notices.queueDone).waitFor();
    await page.getByText(q.empty).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/queue');
    await counter(page, 2);
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'queue-empty');

    const decided = await Promise.all([minorUrl!, photo1, photo2, clip, adultUrl!].map((id) => itemDetail(context, id)));
    expect(decided.map((d) => [d.item.decision, d.item.decisionAiGenerated, d.item.decisionReason, d.item.claimedBy])).toEqual([
      ['ncii_minor', false, null, null],
      ['ncii_adult', true, null, null],
      ['not_intimate', false, null, null],
      ['not_actionable', false, 'not_the_reporter', null],
      ['duplicate', false, null, null],
    ]);
    expect(captured.requests.filter((x) => isReveal(x.url)).length).toBe(2);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('suggests a break after the configured number of reveals: Escape carries on, "take a break" releases the item and returns to the queue', async () => {
    const victim = await openCase(portal.server, { ageGroup: 'adult' });
    const photo = await sendMedia(portal.server, victim, photos[2]!);
    const analyst = await createStaff(portal.server, 'analyst');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, analyst);
    const limits = await breakThresholds(context);
    // With the settings merged, the server's value (set small for this test) is the one in force.
    expect(limits.reveals).toBe(Number(BREAK_ENV.DISRUPT_BREAK_AFTER_REVEALS));
    const dialog = page.getByRole('dialog', { name: r.break.title });

    await page.keyboard.press('n');
    await waitForItem(page, 'photo', 1, 1, photo);
    let count = 0;
    const revealOnce = async () => {
      await page.keyboard.press('v');
      await counter(page, ++count);
      await page.getByRole('img', { name: r.media.revealedAlt }).waitFor();
    };
    const hide = async () => {
      await page.keyboard.press('v');
      await waitForPreview(page);
    };
    for (let i = 1; i < limits.reveals; i++) {
      await revealOnce();
      expect(await dialog.count()).toBe(0);
      await hide();
    }
    await revealOnce();
    await dialog.waitFor();
    await dialog.getByText(fill(r.break.reveals, { count: limits.reveals })).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(r.break.take);
    // While the prompt is open, page shortcuts are off.
    await page.keyboard.press('v');
    expect(await page.getByRole('img', { name: r.media.revealedAlt }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'review-break-prompt');

    // Escape closes it and carries on: the next prompt comes after as many reveals again.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe(`/console/items/${photo}`);
    expect((await itemDetail(context, photo)).item.claimedBy).not.toBeNull();
    await hide();
    for (let i = 1; i < limits.reveals; i++) {
      await revealOnce();
      expect(await dialog.count()).toBe(0);
      await hide();
    }
    await revealOnce();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: r.break.take }).click();
    await page.getByText(q.notices.onBreak).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/queue');
    expect((await itemDetail(context, photo)).item.claimedBy).toBeNull();
    await page.getByRole('table').locator('tbody tr', { hasText: q.claim.free }).first().waitFor();
    await counter(page, 2 * limits.reveals);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('suggests a break after the configured minutes of continuous review', async () => {
    const analyst = await createStaff(portal.server, 'analyst');
    const { page, context, problems } = await consolePage(browser);
    await page.clock.install();
    await signIn(page, portal.origin, analyst);
    const limits = await breakThresholds(context);
    expect(limits.minutes).toBe(Number(BREAK_ENV.DISRUPT_BREAK_AFTER_MINUTES));
    await page.keyboard.press('n');
    await waitForItem(page, 'photo', 1, 1);
    const dialog = page.getByRole('dialog', { name: r.break.title });
    await page.clock.runFor((limits.minutes - 1) * 60_000);
    expect(await dialog.count()).toBe(0);
    await page.clock.runFor(60_000);
    await dialog.waitFor();
    await dialog.getByText(fill(r.break.minutes, { count: limits.minutes })).waitFor();
    await dialog.getByRole('button', { name: r.break.continue }).click();
    await dialog.waitFor({ state: 'detached' });
    // Released for the next test.
    await page.keyboard.press('Escape');
    await page.getByText(q.notices.released).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('pages the items of a case of 250 URLs with "show more"', async () => {
    const victim = await openCase(portal.server, { ageGroup: 'unsure' });
    const ids = await addUrls(
      portal.server,
      victim,
      Array.from({ length: 250 }, (_, i) => `https://mirror-${i % 7}.example/copy/${i}`),
    );
    const analyst = await createStaff(portal.server, 'analyst');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, analyst, `/console/items/${ids[0]}`);
    await waitForItem(page, 'url', 1, 250, ids[0]);
    // Not claimed: read-only.
    await page.getByText(r.claim.free).waitFor();
    expect(await page.getByRole('heading', { name: r.decide.title }).count()).toBe(0);
    const rows = page.getByRole('table', { name: r.items.caption }).locator('tbody tr');
    await page.getByText(fill(r.items.shown, { shown: 100, count: 250 })).waitFor();
    expect(await rows.count()).toBe(100);
    expect(await rows.first().getAttribute('aria-current')).toBe('true');
    await page.getByRole('button', { name: r.items.more }).click();
    await page.getByText(fill(r.items.shown, { shown: 200, count: 250 })).waitFor();
    // Focus moves to the first new row.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(fill(r.items.open, { position: 101 }));
    await page.getByRole('button', { name: r.items.more }).click();
    await page.getByText(fill(r.items.shown, { shown: 250, count: 250 })).waitFor();
    expect(await rows.count()).toBe(250);
    expect(await page.getByRole('button', { name: r.items.more }).count()).toBe(0);
    expect(await rows.last().locator('td').nth(2).textContent()).toBe('mirror-4.example');
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'review-case-items');
    // Opening another item of the case from the list.
    await rows.nth(1).getByRole('link').click();
    await waitForItem(page, 'url', 2, 250, ids[1]);
    // The same page in French.
    const fr = TEXTS.fr.review;
    await page.getByRole('button', { name: c.app.languageLabel }).click();
    await page.getByRole('heading', { level: 1, name: fill(fr.heading, { kind: fr.kind.url, position: 2, count: 250 }) }).waitFor();
    await page.getByText(fill(fr.items.shown, { shown: 100, count: 250 })).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'review-fr');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists the near entries already in the bank: a photo a few bits off, a re-encoded video by the frames it shares', async () => {
    const hex = (bytes: number) => randomBytes(bytes).toString('hex');
    const pdq = hex(32);
    const nearPdq = (parseInt(pdq[0]!, 16) ^ 0b0111).toString(16) + pdq.slice(1); // three bits off
    const frames = Array.from({ length: 8 }, (_, i) => ({ frame: i * 25, quality: 100, pdq: hex(32), timestamp: i }));
    await addFingerprints(portal.server, await openCase(portal.server, { ageGroup: 'adult' }), [
      { type: 'photo', pdq, quality: 100 },
      { type: 'video', md5: hex(16), vpdq: frames },
    ]);
    const [photo, video] = await addFingerprints(portal.server, await openCase(portal.server, { ageGroup: 'adult' }), [
      { type: 'photo', pdq: nearPdq, quality: 100 },
      // Re-encoded: another MD5, each frame a few bits off (the very same hashes would be the same bank entry).
      { type: 'video', md5: hex(16), vpdq: frames.map((f) => ({ ...f, pdq: f.pdq.slice(0, 63) + (parseInt(f.pdq[63]!, 16) ^ 0b1011).toString(16) })) },
    ]);
    await portal.server.bankIndex.refresh();
    const analyst = await createStaff(portal.server, 'analyst');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, analyst, `/console/items/${photo}`);
    const near = page.getByRole('table', { name: r.matches.caption });
    await near.getByRole('cell', { name: fill(r.matches.bits_other, { count: 3 }), exact: true }).waitFor();
    await page.goto(`${portal.origin}/console/items/${video}`);
    await near.getByRole('cell', { name: fill(r.matches.frames, { item: 100, bank: 100 }), exact: true }).waitFor();
    // Sent in private mode: only fingerprints, never the file, and the page says so (not "erased").
    await page.getByText(r.media.fingerprintsOnly).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'review-near-video');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('roles: an admin gets "not found"; another analyst reads a held item; a supervisor reverses a decision', async () => {
    const victim = await openCase(portal.server, { ageGroup: 'adult' });
    const [url] = await addUrls(portal.server, victim, ['https://roles-host.example/a']);
    const holder = await createStaff(portal.server, 'analyst');
    const other = await createStaff(portal.server, 'analyst');
    const supervisor = await createStaff(portal.server, 'supervisor');
    const admin = await createStaff(portal.server, 'admin');

    // The admin: the review page does not exist for that role.
    const adminSide = await consolePage(browser);
    await signIn(adminSide.page, portal.origin, admin, `/console/items/${url}`);
    await adminSide.page.getByRole('heading', { level: 1, name: c.app.notFound }).waitFor();
    expect(await adminSide.page.getByText('roles-host.example').count()).toBe(0);
    expect(adminSide.problems).toEqual([]);
    await adminSide.context.close();

    // The holder claims the oldest waiting item, decides it, and stops.
    const holderSide = await consolePage(browser);
    await signIn(holderSide.page, portal.origin, holder);
    await holderSide.page.getByRole('button', { name: q.claimNext }).click();
    await holderSide.page.getByRole('heading', { name: r.decide.title }).waitFor();
    const held = itemIdOf(holderSide.page);

    // Another analyst opens it: who holds it, and nothing to decide or reveal.
    const otherSide = await consolePage(browser);
    await signIn(otherSide.page, portal.origin, other, `/console/items/${held}`);
    await otherSide.page.getByText(r.claim.other.split('(')[0]!.trim()).waitFor();
    expect(await otherSide.page.getByRole('heading', { name: r.decide.title }).count()).toBe(0);
    await otherSide.page.keyboard.press('1');
    expect((await itemDetail(otherSide.context, held)).item.decision).toBeNull();
    expect(await seriousViolations(otherSide.page)).toEqual([]);
    await consoleScreenshot(otherSide.page, 'review-held-by-other');
    expect(otherSide.problems).toEqual([]);
    await otherSide.context.close();

    await holderSide.page.getByRole('button', { name: r.decisions.ncii_adult }).click();
    await holderSide.page.waitForURL((address) => address.pathname !== `/console/items/${held}`);
    expect((await itemDetail(holderSide.context, held)).item.decision).toBe('ncii_adult');
    // The analyst who decided may not reverse.
    await holderSide.page.goto(`${portal.origin}/console/items/${held}`);
    await holderSide.page.getByText(r.claim.decided.split('{{')[0]!.trim()).waitFor();
    expect(await holderSide.page.getByRole('button', { name: r.decide.reverse }).count()).toBe(0);
    expect(holderSide.problems).toEqual([]);
    await holderSide.context.close();

    // The supervisor reverses it.
    const supervisorSide = await consolePage(browser);
    await signIn(supervisorSide.page, portal.origin, supervisor, `/console/items/${held}`);
    await supervisorSide.page.getByLabel(r.decide.reverseTo).selectOption('not_intimate');
    expect(await seriousViolations(supervisorSide.page)).toEqual([]);
    await consoleScreenshot(supervisorSide.page, 'review-reverse');
    await supervisorSide.page.getByRole('button', { name: r.decide.reverse }).click();
    await supervisorSide.page.getByText(r.decide.reversed).waitFor();
    await supervisorSide.page.getByText(new RegExp(`: ${r.decisions.not_intimate}\\.$`)).waitFor();
    expect((await itemDetail(supervisorSide.context, held)).item.decision).toBe('not_intimate');
    expect(supervisorSide.problems).toEqual([]);
    await supervisorSide.context.close();
  });
});
