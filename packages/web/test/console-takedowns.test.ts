// The takedowns and escalations pages in Chromium against the real server:
// victims' cases made over the victim API, URLs on a real local web host,
// notices through a real SMTP server, decisions over the console API. Then
// the pages: a notice previewed in French and sent by e-mail (it arrives),
// one without an address left in the outbox and downloaded as .eml, "check
// now" while online, the host taking the page down and "check now" showing
// the removal and its time, the lists by state, a minor's case escalated to
// PHAROS with its reference recorded and its package downloaded. Keyboard
// shortcuts, French, axe, screenshots, and roles that may not see them.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/browser.ts';
import { type ConsoleLogin, as, consoleUser } from '../../server/test/console.ts';
import { type ContentHost, type SmtpFixture, startContentHost, startSmtp } from '../../server/test/fixtures.ts';
import { seriousViolations } from './axe.ts';
import { TEXTS, consolePage, consoleScreenshot, createStaff, menuEntries, signIn } from './console.ts';
import { type Portal, startPortal } from './harness.ts';

const m = TEXTS.en.takedowns;
const common = TEXTS.en.common;

let content: ContentHost;
let smtp: SmtpFixture;
let portal: Portal;
let browser: Browser;
let analyst: ConsoleLogin;

/** The case's items, made over the victim API; ids in the order given. */
interface Made {
  readonly caseId: string;
  readonly ids: string[];
}

const inject = (options: InjectOptions) => portal.server.app.inject(options);

async function report(ageGroup: 'adult' | 'minor', urls: string[]): Promise<Made> {
  const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `takedowns-${Math.random()}` }, payload: { situation: 'online', ageGroup, aiGenerated: 'no', language: 'fr' } });
  expect(opened.statusCode).toBe(201);
  const token = opened.json<{ token: string }>().token;
  const added = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${token}` }, payload: { items: urls.map((url) => ({ type: 'url', url })) } });
  const ids = added.json<{ results: { itemId: string }[] }>().results.map((r) => r.itemId);
  expect(ids).toHaveLength(urls.length);
  const caseId = (await inject(as(analyst, { method: 'GET', url: `/api/console/items/${ids[0]}` }))).json<{ case: { id: string } }>().case.id;
  return { caseId, ids };
}

/** Claims and decides everything waiting, as `decisions` says. */
async function decideAll(decisions: ReadonlyMap<string, string>): Promise<void> {
  for (;;) {
    const next = (await inject(as(analyst, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { itemId: string } | null }>().item;
    if (!next) return;
    const decision = decisions.get(next.itemId);
    if (!decision) throw new Error('an item this test did not make');
    expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${next.itemId}/decision`, payload: { decision } }))).statusCode).toBe(204);
  }
}

async function until<T>(what: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The live region that says what an action did. */
const live = (page: Page) => page.locator('p.live[role="status"]');

/** Presses a single-key shortcut with the focus out of any field (on the page title). */
async function shortcut(page: Page, key: string): Promise<void> {
  await page.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press(key);
}

let adult: Made;
let minor: Made;
const paths = { emailed: '/thread/1', other: '/thread/3' };

beforeAll(async () => {
  content = await startContentHost('leaks.example');
  smtp = await startSmtp();
  portal = await startPortal({
    env: { DISRUPT_SMTP_URL: smtp.url, DISRUPT_FETCH_ALLOW: '127.0.0.1/32', DISRUPT_HOTLINE_NAME: 'Hotline de test', DISRUPT_HOTLINE_EMAIL: 'signalement@hotline.example' },
    start: { urlResolver: content.resolve },
  });
  browser = await launchChromium();
  analyst = await consoleUser(portal.server, 'analyst');
  const supervisor = await consoleUser(portal.server, 'supervisor');
  const host = await inject(as(supervisor, { method: 'POST', url: '/api/console/hosts', payload: { domain: 'leaks.example', name: 'Leaks Forum', abuseEmail: 'abuse@leaks.example', language: 'fr' } }));
  expect(host.statusCode).toBe(201);
  // An adult's case: a URL on a host with an address, one on a host the directory does not know, one more.
  adult = await report('adult', [`${content.origin}${paths.emailed}`, 'https://files.unlisted.example/v/2', `${content.origin}${paths.other}`]);
  // A minor's case.
  minor = await report('minor', ['https://pics.unlisted.example/m/1']);
  await decideAll(
    new Map([
      [adult.ids[0]!, 'ncii_adult'],
      [adult.ids[1]!, 'ncii_adult'],
      [adult.ids[2]!, 'ncii_adult'],
      [minor.ids[0]!, 'ncii_minor'],
    ]),
  );
}, 240_000);

afterAll(async () => {
  await browser.close();
  await portal.close();
  await content.close();
  await smtp.close();
});

describe('takedowns', () => {
  it('previews a notice in French and sends it by e-mail, leaves one in the outbox to download, checks, and shows the removal and its time', async () => {
    const staff = await createStaff(portal.server, 'analyst');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, staff, '/console/takedowns');
    expect(await menuEntries(page)).toEqual(expect.arrayContaining([common.nav.takedowns, common.nav.escalations]));

    // The list: three accepted URLs of the adult's case and the minor's await a notice.
    await page.getByRole('heading', { level: 1, name: m.title }).waitFor();
    const awaiting = page.getByRole('table', { name: m.captions.awaiting });
    await awaiting.waitFor();
    expect(await awaiting.getByRole('row').count()).toBe(1 + 4);
    await awaiting.getByText('Leaks Forum').first().waitFor();
    await awaiting.getByText(m.host.notInDirectory).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'takedowns-awaiting');

    // To the case's page, on the first URL.
    const first = awaiting.getByRole('row').filter({ hasText: `${content.origin}${paths.emailed}` });
    await first.getByRole('link').click();
    await page.waitForURL(`**/console/cases/${adult.caseId}/takedowns?item=${adult.ids[0]}`);
    const detail = page.getByRole('region', { name: m.case.urlTitle.replace('{{position}}', '1') });
    await detail.waitFor();
    await detail.getByText('abuse@leaks.example').first().waitFor();

    // The preview in French (the host's language), then in English, then French again.
    const preview = detail.locator('.notice-preview');
    await preview.getByText(m.notice.willEmail.replace('{{recipient}}', 'abuse@leaks.example')).waitFor();
    await detail.getByLabel(m.notice.language).selectOption('en');
    await preview.getByText('Article 16 of Regulation (EU) 2022/2065').waitFor();
    await detail.getByLabel(m.notice.language).selectOption('fr');
    await preview.getByText(/demande de retrait/).waitFor();
    expect(await preview.locator('pre').textContent()).toContain(`${content.origin}${paths.emailed}`);
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'takedowns-case-preview-fr');

    // s sends it; it arrives at the host's abuse address.
    await shortcut(page, 's');
    const sent = await live(page).filter({ hasText: /queued for sending to abuse@leaks\.example/ }).textContent();
    const reference = /DN-[0-9A-Z-]+/.exec(sent ?? '')?.[0] ?? '';
    expect(reference).not.toBe('');
    const mail = await until(() => smtp.received.find((mail) => mail.raw.includes(reference)));
    expect(mail.to).toEqual(['abuse@leaks.example']);
    expect(mail.text).toContain(`${content.origin}${paths.emailed}`);
    await detail.getByRole('table', { name: m.notice.caption }).getByText(reference).waitFor();

    // c checks it now: still online.
    await shortcut(page, 'c');
    await live(page).filter({ hasText: `${m.outcomes.online} (HTTP 200)` }).waitFor();
    await detail.getByRole('table', { name: m.checks.caption }).getByRole('cell', { name: m.outcomes.online }).waitFor();

    // n: the next URL, on a host the directory does not know: the notice goes to the outbox.
    await shortcut(page, 'n');
    const second = page.getByRole('region', { name: m.case.urlTitle.replace('{{position}}', '2') });
    await second.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(m.case.urlTitle.replace('{{position}}', '2'));
    expect(new URL(page.url()).search).toBe(`?item=${adult.ids[1]}`);
    await second.getByText(m.notice.willOutbox).waitFor();
    await second.getByRole('button', { name: m.notice.send }).click();
    await live(page).filter({ hasText: /is in the outbox/ }).waitFor();
    await second.getByRole('table', { name: m.notice.caption }).getByText(m.noticeStatuses.outbox).waitFor();

    // The outbox, on the list page (key 4): download the .eml, which records it as sent.
    await page.getByRole('link', { name: m.case.back }).click();
    await page.getByRole('table', { name: m.captions.awaiting }).waitFor();
    await shortcut(page, '4');
    const outbox = page.getByRole('table', { name: m.captions.outbox });
    await outbox.waitFor();
    expect(await outbox.getByRole('row').count()).toBe(2);
    // Each notice names its case, a link to it.
    expect(await outbox.getByRole('link', { name: new RegExp(`^${m.caseLink.split('{{')[0]!}`) }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'takedowns-outbox');
    const [eml] = await Promise.all([page.waitForEvent('download'), outbox.getByRole('button', { name: /Download \.eml/ }).click()]);
    expect(eml.suggestedFilename()).toMatch(/^DN-[0-9A-Z-]+\.eml$/);
    const emlText = readFileSync((await eml.path()), 'utf8');
    expect(emlText).toContain(eml.suggestedFilename().replace('.eml', ''));
    expect(emlText).toContain('files.unlisted.example');
    await live(page).filter({ hasText: /downloaded and recorded as sent/ }).waitFor();
    await page.getByText(m.empty.outbox).waitFor();

    // The e-mailed notice was sent by the worker: the first URL is notified. The host takes the page down.
    await until(async () => {
      const item = (await inject(as(analyst, { method: 'GET', url: `/api/console/items/${adult.ids[0]}` }))).json<{ item: { notifiedAt: string | null } }>().item;
      return item.notifiedAt ?? undefined;
    });
    await shortcut(page, '2');
    const notified = page.getByRole('table', { name: m.captions.notified });
    await notified.waitFor();
    expect(await notified.getByRole('row').count()).toBe(1 + 2);
    await notified.getByRole('cell', { name: new RegExp(`^${m.outcomes.online},`) }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'takedowns-notified');

    content.setStatus(paths.emailed, 410);
    await notified.getByRole('row').filter({ hasText: `${content.origin}${paths.emailed}` }).getByRole('link').click();
    const again = page.getByRole('region', { name: m.case.urlTitle.replace('{{position}}', '1') });
    await again.waitFor();
    await again.getByRole('button', { name: new RegExp(m.checks.now) }).click();
    await live(page).filter({ hasText: `${m.outcomes.removed} (HTTP 410)` }).waitFor();
    await again.getByText(m.removal.after.replace('{{duration}}', m.duration.underMinute)).waitFor();
    await again.getByRole('table', { name: m.checks.caption }).getByRole('cell', { name: m.outcomes.removed }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'takedowns-case-removed');

    // The removed list shows it with its time to removal.
    await page.goto(`${portal.origin}/console/takedowns?list=removed`);
    const removed = page.getByRole('table', { name: m.captions.removed });
    await removed.waitFor();
    const row = removed.getByRole('row').filter({ hasText: `${content.origin}${paths.emailed}` });
    await row.getByRole('cell', { name: m.duration.underMinute }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'takedowns-removed');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('confirms a removal the re-check cannot see, and reads in French', async () => {
    const staff = await createStaff(portal.server, 'supervisor');
    const fr = TEXTS.fr.takedowns;
    const { page, context, problems } = await consolePage(browser, { locale: 'fr-FR' });
    await page.goto(`${portal.origin}/console`);
    await page.getByLabel(TEXTS.fr.common.signIn.email).fill(staff.email);
    await page.getByLabel(TEXTS.fr.common.signIn.password, { exact: true }).fill('correct horse battery staple');
    await page.getByLabel(TEXTS.fr.common.signIn.code).fill(await staff.code());
    await page.getByRole('button', { name: TEXTS.fr.common.signIn.submit }).click();
    await page.getByRole('navigation', { name: TEXTS.fr.common.app.nav }).waitFor();
    await page.goto(`${portal.origin}/console/cases/${adult.caseId}/takedowns?item=${adult.ids[2]}`);
    const third = page.getByRole('region', { name: fr.case.urlTitle.replace('{{position}}', '3') });
    await third.waitFor();
    await third.getByText(fr.removal.notRemoved).waitFor();
    await third.getByRole('button', { name: fr.checks.confirmRemoved }).click();
    await live(page).filter({ hasText: fr.checks.confirmed }).waitFor();
    await third.getByText(/Retirée le/).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'takedowns-case-fr');
    await page.goto(`${portal.origin}/console/takedowns?list=removed`);
    await page.getByRole('table', { name: fr.captions.removed }).getByRole('row').filter({ hasText: `${content.origin}${paths.other}` }).waitFor();
    await consoleScreenshot(page, 'takedowns-removed-fr');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('escalations', () => {
  it("finds a minor's case waiting for escalation, escalates it to PHAROS, records PHAROS's reference, downloads the package with its digest", async () => {
    const staff = await createStaff(portal.server, 'analyst');
    const e = m.escalation;
    const { page, context, problems } = await consolePage(browser);
    // The worklist: the minor's case, not escalated yet, opens from there.
    await signIn(page, portal.origin, staff, '/console/escalations');
    await page.getByRole('heading', { name: e.awaitingTitle.replace('{{total}}', '1') }).waitFor();
    const awaiting = page.getByRole('table', { name: e.awaitingCaption });
    await awaiting.getByRole('row').filter({ hasText: e.ages.minor }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'escalations-awaiting');
    await awaiting.getByRole('link', { name: e.caseLink.replace('{{id}}', minor.caseId.slice(0, 8)) }).click();
    await page.getByText(m.case.aboutMinor).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/cases/${minor.caseId}/takedowns`);
    const section = page.getByRole('region', { name: e.caseTitle });
    await section.getByText(e.none).waitFor();
    await section.getByLabel(e.authority, { exact: true }).selectOption('pharos');
    await section.getByRole('button', { name: e.submit }).click();
    const created = (await live(page).filter({ hasText: /Escalation ESC-/ }).textContent()) ?? '';
    const reference = /ESC-[0-9A-Z-]+/.exec(created)?.[0] ?? '';
    const digest = /[0-9a-f]{64}/.exec(created)?.[0] ?? '';
    expect(digest).not.toBe('');
    const table = section.getByRole('table', { name: e.caseCaption });
    await table.getByText(digest).waitFor();

    await table.getByLabel(e.recordLabel.replace('{{authority}}', e.authorities.pharos).replace('{{reference}}', reference)).fill('PHAROS-2026-0042');
    await table.getByRole('button', { name: e.record }).click();
    await live(page).filter({ hasText: e.recorded.replace('{{reference}}', reference) }).waitFor();
    await table.getByText('PHAROS-2026-0042').waitFor();

    const [pkg] = await Promise.all([page.waitForEvent('download'), table.getByRole('button', { name: e.downloadLabel.replace('{{reference}}', reference) }).click()]);
    expect(pkg.suggestedFilename()).toBe(`${reference}.json`);
    const bytes = readFileSync((await pkg.path()));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(digest);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ format: 'disrupt-escalation/1', reference, authority: 'pharos' });
    await live(page).filter({ hasText: e.downloaded.replace('{{reference}}', reference).replace('{{digest}}', digest) }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'takedowns-case-escalation');

    await page.getByRole('navigation', { name: common.app.nav }).getByRole('link', { name: common.nav.escalations }).click();
    const list = page.getByRole('table', { name: e.caption });
    await list.waitFor();
    // Escalated: off the worklist.
    await page.getByText(e.awaitingNone).waitFor();
    const row = list.getByRole('row').filter({ hasText: reference });
    await row.getByText('PHAROS-2026-0042').waitFor();
    await row.getByText(e.authorities.pharos).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'escalations');
    await row.getByRole('link', { name: e.caseLink.replace('{{id}}', minor.caseId.slice(0, 8)) }).click();
    await page.getByRole('heading', { level: 1, name: m.case.title.replace('{{id}}', minor.caseId.slice(0, 8)) }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/cases/${minor.caseId}/takedowns`);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('roles', () => {
  it('an admin gets "not found" on the takedowns and escalations pages', async () => {
    const staff = await createStaff(portal.server, 'admin');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, staff);
    const menu = await menuEntries(page);
    expect(menu).not.toContain(common.nav.takedowns);
    expect(menu).not.toContain(common.nav.escalations);
    for (const path of ['/console/takedowns', '/console/escalations', `/console/cases/${adult.caseId}/takedowns`]) {
      await page.goto(`${portal.origin}${path}`);
      await page.getByRole('heading', { level: 1, name: common.app.notFound }).waitFor();
      expect(await page.getByText(adult.caseId.slice(0, 8)).count()).toBe(0);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
