// The victim portal end to end in Chromium, against the real server: the
// whole report in English (private mode, every request checked for leaks)
// and in French (content of a minor), the follow-up (statuses, adding items,
// withdrawal), files sent for verification, keyboard-only use, quick exit
// from every page, axe-core on every page, and screenshots at 360 and 1280 px.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLocal, launchChromium } from '../../../test/browser.ts';
import { seriousViolations } from './axe.ts';
import { makePhotos, makeVideo } from './fixtures.ts';
import { type Lang, MESSAGES, fill, next, report, screenshot, waitForHashing } from './flow.ts';
import { type Portal, startPortal } from './harness.ts';
import { captureRequests, findLeaks } from './privacy.ts';

let portal: Portal;
let browser: Browser;
let dir = '';
let photos: string[] = [];
let video = '';
/** Every page checked with axe: its name → serious or critical violations. */
const axeResults = new Map<string, unknown[]>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'disrupt-flow-'));
  photos = await makePhotos(dir, 4, { prefix: 'holiday-7f3a' });
  video = makeVideo(join(dir, 'evening-clip-91c2.mp4'));
  portal = await startPortal();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser.close();
  await portal.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newPage(locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal.origin });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** Screenshots at both widths and axe on the page as shown. */
async function capture(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 360, height: 740 });
  await screenshot(page, `${name}-360`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, `${name}-1280`);
  axeResults.set(name, await seriousViolations(page));
}

async function browserStorage(page: Page) {
  return page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookies: document.cookie,
    indexedDb: (await indexedDB.databases()).length,
    caches: (await caches.keys()).length,
  }));
}

async function signIn(page: Page, lang: Lang, credentials: { caseNumber: string; secret: string }): Promise<void> {
  const m = MESSAGES[lang];
  await page.getByLabel(m.followUp.caseNumber).fill(credentials.caseNumber);
  await page.getByLabel(m.followUp.secret).fill(credentials.secret);
  await page.getByRole('button', { name: m.followUp.signIn }).click();
  await page.getByRole('heading', { level: 1, name: fill(m.followUp.caseTitle, { caseNumber: credentials.caseNumber }) }).waitFor();
}

describe('report in English, private mode', () => {
  let credentials = { caseNumber: '', secret: '' };
  let context: BrowserContext;
  let page: Page;
  let captured: ReturnType<typeof captureRequests>;

  beforeAll(async () => {
    ({ context, page } = await newPage('en-GB'));
    captured = captureRequests(context);
  });
  afterAll(async () => {
    await context.close();
  });

  it('opens in English for an English browser, with the privacy promise and helplines', async () => {
    const m = MESSAGES.en;
    await page.goto(`${portal.origin}/`);
    await page.getByRole('heading', { level: 1, name: m.home.title }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect(page.getByText(m.home.privacy).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: fill(m.helplines.call, { phone: '3018' }) }).isVisible()).resolves.toBe(true);
    await capture(page, 'en-home');
  });

  it('sends a report with URLs, photos and a video: case number and secret shown once', async () => {
    credentials = await report(page, 'en', {
      situation: 'online',
      age: 'adult',
      ai: 'unsure',
      description: 'Found on two sites',
      urls: ['https://example.com/a', 'example.org/b?c=1'],
      files: [...photos, video],
      email: 'someone@example.net',
      onStep: async (name) => {
        if (name === '4-items') {
          // Previews are off until asked for; then they show, from blob: URLs the CSP allows.
          expect(await page.locator('.thumb img').count()).toBe(0);
          await page.getByLabel(MESSAGES.en.steps.items.showPreviews).check();
          await page.waitForFunction(() => {
            const images = Array.from(document.querySelectorAll<HTMLImageElement>('.thumb img'));
            return images.length === 5 && images.every((img) => img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:'));
          });
        }
        await capture(page, `en-report-${name}`);
      },
    });
    expect(credentials.caseNumber).not.toBe('');
    expect(credentials.secret.length).toBeGreaterThanOrEqual(20);
    await expect(page.getByText(MESSAGES.en.steps.done.warning).isVisible()).resolves.toBe(true);
  });

  it('copies the secret, and offers download and print', async () => {
    const m = MESSAGES.en;
    await page.getByRole('button', { name: `${m.steps.done.copy} ${m.steps.done.secret}` }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(credentials.secret);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: m.steps.done.download }).click();
    const file = await download;
    const path = await file.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path, 'utf8')).toContain(credentials.secret);
    await expect(page.getByRole('button', { name: m.steps.done.print }).isVisible()).resolves.toBe(true);
  });

  it('sent no byte, base64 run or name of any file, to nobody but the portal', async () => {
    await captured.settled();
    const requests = captured.requests;
    expect(requests.filter((r) => !isLocal(r.url))).toEqual([]);
    const items = requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/victim/case/items'));
    expect(items).toHaveLength(1);
    // The fingerprints did go: 2 URLs, 4 photos, 1 video.
    const sent = JSON.parse(items[0]!.body!.toString('utf8')) as { items: { type: string }[] };
    expect(sent.items.map((i) => i.type).sort()).toEqual(['photo', 'photo', 'photo', 'photo', 'url', 'url', 'video']);
    expect(requests.some((r) => r.url.endsWith('/api/victim/case/media'))).toBe(false);
    expect(findLeaks(requests, [...photos, video])).toEqual([]);
  });

  it('kept nothing in browser storage', async () => {
    expect(await browserStorage(page)).toEqual({ local: 0, session: 0, cookies: '', indexedDb: 0, caches: 0 });
  });

  it('follow-up: the items with their status and history, add items, withdraw', async () => {
    const m = MESSAGES.en;
    await page.getByRole('button', { name: m.steps.done.followUp }).click();
    await page.getByRole('heading', { level: 1, name: m.followUp.title }).waitFor();
    await capture(page, 'en-follow-up-sign-in');
    await signIn(page, 'en', credentials);
    await page.getByRole('heading', { name: fill(m.followUp.items, { count: 7 }) }).waitFor();
    const statuses = await page.locator('.case-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
    expect(statuses).toHaveLength(7);
    for (const s of statuses) expect(['received', 'shared', 'hashed']).toContain(s);
    await page.locator('.case-item details summary').first().click();
    await capture(page, 'en-follow-up-case');

    // A partner platform blocks a copy of one photo: the item says so at the next refresh.
    const victimSession = (await (await fetch(`${portal.origin}/api/victim/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) })).json()) as { token: string };
    const current = (await (await fetch(`${portal.origin}/api/victim/case`, { headers: { authorization: `Bearer ${victimSession.token}` } })).json()) as { items: { kind: string; signals: { signalType: string; value: string }[] }[] };
    const blockedPdq = current.items.find((i) => i.kind === 'photo')!.signals.find((x) => x.signalType === 'pdq')!.value;
    const created = await portal.server.partners.create('Photo Platform', { scopes: ['feedback:write'], rateLimitPerMinute: 1000 }, 'system');
    if (!created.ok) throw new Error('partner not created');
    const feedback = await fetch(`${portal.origin}/api/partner/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${created.credentials.apiKey}` },
      body: JSON.stringify({ items: [{ signalType: 'pdq', value: blockedPdq, feedback: 'Blocked' }] }),
    });
    expect(feedback.status).toBe(200);

    await page.getByRole('button', { name: m.followUp.add, exact: true }).click();
    await page.getByLabel(m.steps.items.urls).fill('https://example.net/again');
    const [extra, dropped] = await makePhotos(dir, 2, { prefix: 'later-55e1' });
    // One photo dropped on the drop zone, as a victim drags it from a file manager.
    const dataTransfer = await page.evaluateHandle(
      ({ base64, name }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: 'image/jpeg' }));
        return transfer;
      },
      { base64: readFileSync(dropped!).toString('base64'), name: basename(dropped!) },
    );
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer });
    await waitForHashing(page, 1);
    // A flat grey picture (no detail to fingerprint) and a file that is no picture at all: explained, not sent.
    const flat = join(dir, 'flat.png');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(flat);
    const text = join(dir, 'notes.jpg');
    writeFileSync(text, 'just some text, not a photo');
    await page.getByLabel(m.steps.items.files).setInputFiles([extra!, flat, text]);
    await waitForHashing(page, 4);
    await expect(page.getByText(m.steps.items.failure.low_quality).isVisible()).resolves.toBe(true);
    await expect(page.getByText(m.steps.items.failure.unsupported_format).isVisible()).resolves.toBe(true);
    expect(await page.locator('.file-row[data-state=done]').count()).toBe(2);
    await capture(page, 'en-follow-up-add');
    await page.getByRole('button', { name: m.followUp.addSend }).click();
    await page.getByRole('heading', { name: fill(m.followUp.items, { count: 10 }) }).waitFor();
    expect(await page.locator('.case-item[data-status=partner_blocked]').count()).toBe(1);
    await expect(page.getByText(m.followUp.status.partner_blocked).first().isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: m.followUp.withdraw, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: m.followUp.withdrawTitle });
    await dialog.waitFor();
    await expect(dialog.getByText(m.followUp.withdrawText).isVisible()).resolves.toBe(true);
    await capture(page, 'en-follow-up-withdraw');
    await dialog.getByRole('button', { name: m.followUp.withdrawConfirm }).click();
    await page.getByText(m.followUp.withdrawn).waitFor();
    const after = await page.locator('.case-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
    expect(new Set(after)).toEqual(new Set(['withdrawn']));
    // The server agrees: a new sign-in finds the case withdrawn, or is refused.
    await page.getByRole('button', { name: m.followUp.signOut }).click();
    const session = await fetch(`${portal.origin}/api/victim/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    if (session.status === 200) {
      const { token } = (await session.json()) as { token: string };
      const view = (await (await fetch(`${portal.origin}/api/victim/case`, { headers: { authorization: `Bearer ${token}` } })).json()) as { status: string };
      expect(view.status).toBe('withdrawn');
    } else expect(session.status).toBe(401);
  });
});

describe('report in French, content of a minor', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ context, page } = await newPage('fr-FR'));
  });
  afterAll(async () => {
    await context.close();
  });

  it('opens in French for a French browser, and switches language', async () => {
    const m = MESSAGES.fr;
    await page.goto(`${portal.origin}/`);
    await page.getByRole('heading', { level: 1, name: m.home.title }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await capture(page, 'fr-home');
    await page.getByRole('button', { name: m.app.languageLabel }).click();
    await page.getByRole('heading', { level: 1, name: MESSAGES.en.home.title }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByRole('button', { name: MESSAGES.en.app.languageLabel }).click();
    await page.getByRole('heading', { level: 1, name: m.home.title }).waitFor();
  });

  it('says what happens for a minor, points to 3018, and never offers to send files', async () => {
    const m = MESSAGES.fr;
    const requests = captureRequests(context);
    const credentials = await report(page, 'fr', {
      situation: 'atRisk',
      age: 'minor',
      ai: 'no',
      urls: ['https://exemple.fr/page'],
      files: [photos[0]!, video],
      onStep: async (name) => {
        if (name === '2-age') {
          await page.getByRole('heading', { name: m.steps.age.minorTitle }).waitFor();
          await expect(page.getByRole('link', { name: fill(m.helplines.call, { phone: '3018' }) }).isVisible()).resolves.toBe(true);
        }
        if (name === '5-privacy') {
          await expect(page.getByText(m.steps.privacy.verifyNotForMinors).isVisible()).resolves.toBe(true);
          expect(await page.locator('.verify-list input').count()).toBe(0);
        }
        await capture(page, `fr-report-${name}`);
      },
    });
    await requests.settled();
    expect(requests.requests.some((r) => r.url.endsWith('/api/victim/case/media'))).toBe(false);
    expect(findLeaks(requests.requests, [photos[0]!, video])).toEqual([]);

    await page.getByRole('button', { name: m.steps.done.followUp }).click();
    await signIn(page, 'fr', credentials);
    await page.getByRole('heading', { name: fill(m.followUp.items, { count: 3 }) }).waitFor();
    await expect(page.getByText(m.followUp.status.received).first().isVisible()).resolves.toBe(true);
    await capture(page, 'fr-follow-up-case');
  });
});

describe('report when the victim is not sure of the age', () => {
  it('handles it as possibly about a minor: says so, points to the minors\' helpline, and never offers to send files', async () => {
    const { context, page } = await newPage('en-GB');
    try {
      const m = MESSAGES.en;
      const requests = captureRequests(context);
      await page.goto(`${portal.origin}/`);
      await report(page, 'en', {
        situation: 'online',
        age: 'unsure',
        ai: 'no',
        urls: ['https://unsure.example/page'],
        files: [photos[0]!],
        onStep: async (name) => {
          if (name === '2-age') {
            await page.getByRole('heading', { name: m.steps.age.unsureTitle }).waitFor();
            await page.getByText(m.steps.age.unsureText1).waitFor();
          }
          if (name === '5-privacy') {
            await page.getByText(m.steps.privacy.verifyNotForMinors).waitFor();
            expect(await page.locator('.verify-list input').count()).toBe(0);
          }
        },
      });
      await requests.settled();
      expect(requests.requests.some((r) => r.url.endsWith('/api/victim/case/media'))).toBe(false);
      expect(findLeaks(requests.requests, [photos[0]!])).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('sending a file for verification (adult)', () => {
  it('uploads only the chosen file, which the server puts in review', async () => {
    const { context, page } = await newPage('en-GB');
    try {
      const captured = captureRequests(context);
      await page.goto(`${portal.origin}/`);
      const credentials = await report(page, 'en', { situation: 'online', age: 'adult', ai: 'no', files: [photos[1]!, photos[2]!], verify: [0] });
      await captured.settled();
      const uploads = captured.requests.filter((r) => r.url.endsWith('/api/victim/case/media'));
      expect(uploads).toHaveLength(1);
      // Its URL and headers say nothing of it (the multipart part is named "file", never its own name).
      expect(JSON.stringify([uploads[0]!.url, uploads[0]!.headers])).not.toContain('holiday-7f3a');
      await page.getByRole('button', { name: MESSAGES.en.steps.done.followUp }).click();
      await signIn(page, 'en', credentials);
      const statuses = await page.locator('.case-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')));
      // One photo as fingerprints, one in an analyst's review queue.
      expect(statuses).toHaveLength(2);
      expect(statuses).toContain('in_review');
    } finally {
      await context.close();
    }
  });
});

describe('keyboard only', () => {
  it('goes through every step with Tab, arrows, Space and Enter', async () => {
    const { context, page } = await newPage('en-GB');
    const m = MESSAGES.en;
    try {
      await page.goto(`${portal.origin}/`);
      const focusOn = async (name: string) => {
        for (let i = 0; i < 40; i++) {
          await page.keyboard.press('Tab');
          const label = await page.evaluate(() => {
            const el = document.activeElement;
            if (!el) return '';
            const id = el.id;
            const label = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`)?.textContent : null;
            return (label ?? el.getAttribute('aria-label') ?? el.textContent).trim();
          });
          if (label === name) return;
        }
        throw new Error(`could not reach "${name}" with Tab`);
      };
      await focusOn(m.home.report);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: m.steps.situation.title }).waitFor();
      await focusOn(m.steps.situation.online);
      await page.keyboard.press('Space');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: m.steps.age.title }).waitFor();
      await focusOn(m.steps.age.minor);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: m.steps.ai.title }).waitFor();
      await focusOn(m.steps.ai.yes);
      await page.keyboard.press('Space');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: m.steps.items.title }).waitFor();
      await focusOn(m.steps.items.urls);
      await page.keyboard.type('https://example.com/kb');
      await focusOn(m.steps.items.files);
      await focusOn(m.steps.next);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: m.steps.privacy.title }).waitFor();
      await focusOn(m.steps.next);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: m.steps.contact.title }).waitFor();
      await focusOn(m.steps.contact.email);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: m.steps.review.title }).waitFor();
      await expect(page.getByText(m.answers.adult).isVisible()).resolves.toBe(true);
      await focusOn(m.steps.review.send);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: m.steps.done.title }).waitFor();
    } finally {
      await context.close();
    }
  });
});

describe('quick exit', () => {
  /** Opens the portal after a neutral page, goes to `where`, leaves by button or Esc Esc. */
  async function exitFrom(where: (page: Page) => Promise<void>, how: 'button' | 'escape'): Promise<{ url: string; back: string }> {
    const { context, page } = await newPage('en-GB');
    try {
      const before = portal.exitUrl.replace(/\/$/, '/before');
      await page.goto(before);
      await page.goto(`${portal.origin}/`);
      await page.getByRole('heading', { level: 1, name: MESSAGES.en.home.title }).waitFor();
      await where(page);
      if (how === 'button') await page.getByRole('button', { name: MESSAGES.en.app.quickExit }).click();
      else {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Escape');
      }
      await page.waitForURL(portal.exitUrl);
      const url = page.url();
      // One step back lands before the portal: its entry was replaced.
      await page.goBack();
      return { url, back: page.url() };
    } finally {
      await context.close();
    }
  }

  const m = MESSAGES.en;
  const toStep = (n: number) => async (page: Page) => {
    await page.getByRole('button', { name: m.home.report }).click();
    const answers = [m.steps.situation.online, m.steps.age.adult, m.steps.ai.no];
    for (let i = 1; i < n; i++) {
      if (i <= 3) await page.getByLabel(answers[i - 1]!, { exact: true }).check();
      if (i === 4) await page.getByLabel(m.steps.items.urls).fill('https://example.com/x');
      await next(page, m);
    }
    await page.locator('.step-count').getByText(fill(m.steps.progress, { step: n, total: 7 })).waitFor();
  };
  const pages: [string, (page: Page) => Promise<void>][] = [
    ['home', async () => {}],
    ...[1, 2, 3, 4, 5, 6, 7].map((n) => [`report step ${n}`, toStep(n)] as [string, (page: Page) => Promise<void>]),
    [
      'report done',
      async (page) => {
        await toStep(7)(page);
        await page.getByRole('button', { name: m.steps.review.send }).click();
        await page.getByRole('heading', { level: 1, name: m.steps.done.title }).waitFor();
      },
    ],
    [
      'follow-up',
      async (page) => {
        await page.getByRole('button', { name: m.home.followUp }).click();
        await page.getByRole('heading', { level: 1, name: m.followUp.title }).waitFor();
      },
    ],
  ];

  it.each(pages.map(([name], i) => [name, i % 2 === 0 ? 'button' : 'Esc twice', i] as const))('from %s (%s)', async (_name, how, i) => {
    const { url, back } = await exitFrom(pages[i]![1], how === 'button' ? 'button' : 'escape');
    expect(url).toBe(portal.exitUrl);
    expect(back).toBe(portal.exitUrl.replace(/\/$/, '/before'));
  });
});

describe('accessibility (axe-core)', () => {
  it('checked every page', () => {
    expect([...axeResults.keys()].length).toBeGreaterThanOrEqual(20);
  });
  it('finds no serious or critical violation on any page', () => {
    const bad = [...axeResults.entries()].filter(([, v]) => v.length > 0);
    expect(bad).toEqual([]);
  });
});
