// The admin pages in Chromium against the real server: an admin invites an
// analyst (the one-time link really enrols them), changes their role and
// disables them (their open session ends); resets the access of someone who
// lost their authenticator and renews a lapsed invitation; creates a partner whose shown key
// really works on the partner API, rotates it (the old key stops at once) and
// revokes it; a supervisor edits the host directory (errors at the field) but
// cannot open the admin-only pages; the negative bank reports per line; an
// analyst restores a held hash and partners get it back. axe on every page,
// screenshots, no page error or CSP violation.

import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/browser.ts';
import { seriousViolations } from './axe.ts';
import { STAFF_PASSWORD, TEXTS, consolePage, consoleScreenshot, createStaff, freshTotp, menuEntries, signIn } from './console.ts';
import { enrolmentTokens } from '../../server/src/db/schema.ts';
import { type Portal, startPortal } from './harness.ts';

let portal: Portal;
let browser: Browser;
const m = TEXTS.en.common;
const a = TEXTS.en.admin;

/** `{{name}}` placeholders filled in, as i18next does. */
function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key]));
}

const randomPdq = () => randomBytes(32).toString('hex');

/** `hash` with its first `bits` bits flipped (still within the match distance for bits ≤ 31). */
function flipBits(hash: string, bits: number): string {
  const chars = hash.split('');
  for (let b = 0; b < bits; b++) {
    const i = Math.floor(b / 4);
    chars[i] = (parseInt(chars[i]!, 16) ^ (1 << (b % 4))).toString(16);
  }
  return chars.join('');
}

/** A call to the partner API over HTTP, as a partner's server would make it. */
async function partnerCall(key: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${portal.origin}/api/partner/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Opens a one-time link in its own page, enrols with a new authenticator and signs in; the page, signed in. */
async function enrolThrough(link: string): Promise<Awaited<ReturnType<typeof consolePage>>> {
  const opened = await consolePage(browser);
  const { page } = opened;
  await page.goto(link);
  await page.getByRole('img', { name: m.enrol.qrLabel }).waitFor();
  const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s/g, '');
  await page.getByLabel(m.enrol.password).fill(STAFF_PASSWORD);
  await page.getByLabel(m.enrol.confirm).fill(STAFF_PASSWORD);
  await page.getByLabel(m.enrol.code, { exact: true }).fill(await freshTotp(secret));
  await page.getByRole('button', { name: m.enrol.submit }).click();
  await page.getByText(m.enrol.done).waitFor();
  await page.getByLabel(m.signIn.password, { exact: true }).fill(STAFF_PASSWORD);
  await page.getByLabel(m.signIn.code).fill(await freshTotp(secret));
  await page.getByRole('button', { name: m.signIn.submit }).click();
  await page.getByRole('navigation', { name: m.app.nav }).waitFor();
  return opened;
}

/** The text before a message's first placeholder: what a state with a time in it starts with. */
const startOf = (text: string) => new RegExp(`^${text.split('{{')[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}

beforeAll(async () => {
  portal = await startPortal();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser.close();
  await portal.close();
});

describe('accounts', () => {
  it('invites an analyst whose one-time link enrols them, changes their role, and disabling ends their session', async () => {
    const admin = await createStaff(portal.server, 'admin');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, admin, '/console/admin/users');
    await page.getByRole('heading', { level: 1, name: a.users.title }).waitFor();
    expect(await menuEntries(page)).toEqual(expect.arrayContaining([m.nav.users, m.nav.partners, m.nav.hosts, m.nav.negativeBank]));
    // The held hashes are for reviewers, as their routes say.
    expect(await menuEntries(page)).not.toContain(m.nav.bankReviews);
    // No way to disable oneself from the page (the server refuses it too).
    await page.getByRole('row').filter({ hasText: admin.email }).getByText(a.users.notSelf).waitFor();
    expect(await page.getByRole('button', { name: fill(a.users.disableOf, { email: admin.email }) }).count()).toBe(0);
    await expectAccessible(page);

    // Invite, by keyboard: the shortcut goes to the email field.
    const email = 'invited.analyst@hotline.example';
    await page.keyboard.press('i');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('email');
    await page.keyboard.type(email);
    await page.getByRole('button', { name: a.users.invite, exact: true }).click();
    const panel = page.getByRole('region', { name: fill(a.users.linkTitle, { email }) });
    await panel.waitFor();
    // The result takes the focus, and says it is shown once and for 24 hours.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    await panel.getByText(a.users.linkOnce).waitFor();
    const link = await panel.getByRole('textbox', { name: a.users.linkLabel }).inputValue();
    expect(link).toMatch(new RegExp(`^${portal.origin}/console/enrol#[A-Za-z0-9_-]{43}$`));
    expect(link).not.toContain('?');
    await page.getByRole('row').filter({ hasText: email }).getByText(startOf(a.users.pendingUntil)).waitFor();
    await expectAccessible(page);
    await consoleScreenshot(page, 'admin-users-invited');

    // The link, opened elsewhere, enrols the analyst, who then signs in.
    const invited = await enrolThrough(link);
    expect(await menuEntries(invited.page)).not.toContain(m.nav.stats);

    // Hiding the link: it is gone from the page.
    await panel.getByRole('button', { name: a.secret.saved }).click();
    await expect.poll(() => page.getByRole('textbox', { name: a.users.linkLabel }).count()).toBe(0);

    // Enrolled now; make them a supervisor.
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByText(a.users.active, { exact: true }).waitFor();
    await page.getByLabel(fill(a.users.roleOf, { email }), { exact: true }).selectOption('supervisor');
    await page.getByRole('button', { name: fill(a.users.saveRoleOf, { email }) }).click();
    await page.getByRole('status').filter({ hasText: fill(a.users.roleChanged, { email, role: m.roles.supervisor }) }).waitFor();
    expect((await portal.server.accounts.listUsers()).find((u) => u.email === email)?.role).toBe('supervisor');
    await invited.page.reload();
    await invited.page.getByRole('navigation', { name: m.app.nav }).waitFor();
    expect(await menuEntries(invited.page)).toContain(m.nav.stats);

    // Disable, after a confirmation; their open session ends.
    await page.getByRole('button', { name: fill(a.users.disableOf, { email }) }).click();
    const dialog = page.getByRole('dialog', { name: fill(a.users.disableTitle, { email }) });
    await dialog.waitFor();
    // The focus is in the dialog, on Cancel — never on the destructive button.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(m.actions.cancel);
    await expectAccessible(page);
    await consoleScreenshot(page, 'admin-users-disable-dialog');
    await dialog.getByRole('button', { name: a.users.disable }).click();
    await page.getByRole('status').filter({ hasText: fill(a.users.disabledDone, { email }) }).waitFor();
    await row.getByText(a.users.disabled, { exact: true }).waitFor();
    expect((await portal.server.accounts.listUsers()).find((u) => u.email === email)?.disabled).toBe(true);
    await invited.page.reload();
    await invited.page.getByRole('heading', { level: 1, name: m.signIn.title }).waitFor();

    // And enable again.
    await page.getByRole('button', { name: fill(a.users.enableOf, { email }) }).click();
    await page.getByRole('status').filter({ hasText: fill(a.users.enabledDone, { email }) }).waitFor();
    expect((await portal.server.accounts.listUsers()).find((u) => u.email === email)?.disabled).toBe(false);
    await consoleScreenshot(page, 'admin-users');

    expect(problems).toEqual([]);
    expect(invited.problems).toEqual([]);
    await invited.context.close();
    await context.close();
  });

  it('resets the access of someone who lost their authenticator, and renews an invitation that lapsed', async () => {
    const admin = await createStaff(portal.server, 'admin');
    const lost = await createStaff(portal.server, 'analyst');
    const before = await consolePage(browser);
    await signIn(before.page, portal.origin, lost);
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, admin, '/console/admin/users');

    // Reset, after a confirmation that says what it does.
    await page.getByRole('button', { name: fill(a.users.resetOf, { email: lost.email }) }).click();
    const dialog = page.getByRole('dialog', { name: fill(a.users.resetTitle, { email: lost.email }) });
    await dialog.getByText(a.users.resetBody).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(m.actions.cancel);
    await expectAccessible(page);
    await dialog.getByRole('button', { name: a.users.reset }).click();
    const panel = page.getByRole('region', { name: fill(a.users.newLinkTitle, { email: lost.email }) });
    await panel.waitFor();
    await page.getByRole('status').filter({ hasText: fill(a.users.renewedDone, { email: lost.email }) }).waitFor();
    const link = await panel.getByRole('textbox', { name: a.users.linkLabel }).inputValue();
    expect(link).toMatch(new RegExp(`^${portal.origin}/console/enrol#[A-Za-z0-9_-]{43}$`));
    await page.getByRole('row').filter({ hasText: lost.email }).getByText(startOf(a.users.pendingUntil)).waitFor();
    await consoleScreenshot(page, 'admin-users-reset');
    // Their open session ended at once; the new link enrols them again.
    await before.page.reload();
    await before.page.getByRole('heading', { level: 1, name: m.signIn.title }).waitFor();
    const back = await enrolThrough(link);
    await page.reload();
    await page.getByRole('row').filter({ hasText: lost.email }).getByText(a.users.active, { exact: true }).waitFor();

    // An invitation nobody used in time: the page says it lapsed and makes a new link.
    const late = `late-${randomBytes(3).toString('hex')}@hotline.example`;
    const { userId } = await portal.server.accounts.createUser(late, 'supervisor', 'system');
    await portal.server.database.db.update(enrolmentTokens).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(enrolmentTokens.userId, userId));
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: late });
    await row.getByText(a.users.lapsed).waitFor();
    await expectAccessible(page);
    await row.getByRole('button', { name: fill(a.users.renewOf, { email: late }) }).click();
    await page.getByRole('dialog', { name: fill(a.users.renewTitle, { email: late }) }).getByRole('button', { name: a.users.renew }).click();
    const renewed = await page.getByRole('region', { name: fill(a.users.newLinkTitle, { email: late }) }).getByRole('textbox', { name: a.users.linkLabel }).inputValue();
    await row.getByText(startOf(a.users.pendingUntil)).waitFor();
    const invited = await enrolThrough(renewed);
    expect(await menuEntries(invited.page)).toContain(m.nav.stats);

    for (const opened of [before, back, invited]) {
      expect(opened.problems).toEqual([]);
      await opened.context.close();
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('partners', () => {
  it('creates a partner whose shown key works on the partner API, rotates it (the old key stops) and revokes it', async () => {
    const admin = await createStaff(portal.server, 'admin');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, admin, '/console/admin/partners');
    await page.getByRole('heading', { level: 1, name: a.partners.title }).waitFor();
    await expectAccessible(page);

    const name = 'Acme Video';
    await page.keyboard.press('c');
    await page.keyboard.type(name);
    await page.getByLabel(a.partners.scope.hashesWrite).uncheck();
    await page.getByLabel(a.partners.rateLimitField).fill('1200');
    await page.getByRole('button', { name: a.partners.create }).click();
    const panel = page.getByRole('region', { name: fill(a.partners.keysTitle, { name }) });
    await panel.waitFor();
    await panel.getByText(a.partners.keysOnce).waitFor();
    const apiKey = await panel.getByRole('textbox', { name: a.partners.apiKey }).inputValue();
    expect(apiKey).toMatch(/^dpk_[0-9a-f]{12}_/);
    expect(await panel.getByRole('textbox', { name: a.partners.subscriptionKey }).inputValue()).toMatch(/^dss_/);
    expect(await panel.getByRole('textbox', { name: fill(a.partners.functionKey, { endpoint: 'FetchHashes' }) }).inputValue()).toMatch(/^dsf_/);
    await expectAccessible(page);
    await consoleScreenshot(page, 'admin-partners-keys');

    const me = await partnerCall(apiKey, '/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ name, scopes: ['feed:read', 'feedback:write', 'match'], rateLimitPerMinute: 1200 });
    // The list shows the key's prefix, never the key.
    const row = page.getByRole('row').filter({ hasText: name });
    await row.getByText(apiKey.split('_').slice(0, 2).join('_'), { exact: false }).waitFor();
    expect(await page.locator('table').textContent()).not.toContain(apiKey);

    // Leaving the page clears the keys.
    await page.getByRole('navigation', { name: m.app.nav }).getByRole('link', { name: m.nav.hosts }).click();
    await page.getByRole('heading', { level: 1, name: a.hosts.title }).waitFor();
    await page.getByRole('navigation', { name: m.app.nav }).getByRole('link', { name: m.nav.partners }).click();
    await page.getByRole('heading', { level: 1, name: a.partners.title }).waitFor();
    await row.waitFor();
    expect(await page.getByRole('textbox', { name: a.partners.apiKey }).count()).toBe(0);

    // Rotate: new keys shown once; the old key is refused at once.
    await page.getByRole('button', { name: fill(a.partners.rotateOf, { name }) }).click();
    const rotateDialog = page.getByRole('dialog', { name: fill(a.partners.rotateTitle, { name }) });
    await rotateDialog.getByRole('button', { name: a.partners.rotate }).click();
    const rotated = page.getByRole('region', { name: fill(a.partners.keysRotatedTitle, { name }) });
    await rotated.waitFor();
    const newKey = await rotated.getByRole('textbox', { name: a.partners.apiKey }).inputValue();
    expect(newKey).not.toBe(apiKey);
    expect((await partnerCall(apiKey, '/me')).status).toBe(401);
    expect((await partnerCall(newKey, '/me')).status).toBe(200);

    // Revoke: the name must be typed.
    await page.getByRole('button', { name: fill(a.partners.revokeOf, { name }) }).click();
    const revokeDialog = page.getByRole('dialog', { name: fill(a.partners.revokeTitle, { name }) });
    await revokeDialog.waitFor();
    const confirm = revokeDialog.getByRole('button', { name: a.partners.revoke });
    expect(await confirm.isDisabled()).toBe(true);
    await revokeDialog.getByLabel(fill(TEXTS.en.admin.confirm.typeName, { name })).fill('Acme');
    expect(await confirm.isDisabled()).toBe(true);
    await revokeDialog.getByLabel(fill(TEXTS.en.admin.confirm.typeName, { name })).fill(name);
    await expectAccessible(page);
    await consoleScreenshot(page, 'admin-partners-revoke-dialog');
    await confirm.click();
    await page.getByRole('status').filter({ hasText: fill(a.partners.revoked, { name }) }).waitFor();
    await row.getByText(a.partners.revokedOn.replace(/\{\{date\}\}.*/, '')).waitFor();
    expect((await partnerCall(newKey, '/me')).status).toBe(401);
    await page.getByRole('button', { name: a.secret.saved }).click();
    await consoleScreenshot(page, 'admin-partners');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('host directory', () => {
  it('a supervisor adds, edits and deletes hosts with errors at the field, and cannot open the admin-only pages', async () => {
    const supervisor = await createStaff(portal.server, 'supervisor');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, supervisor);
    const menu = await menuEntries(page);
    expect(menu).toContain(m.nav.hosts);
    expect(menu).toContain(m.nav.bankReviews);
    for (const entry of [m.nav.users, m.nav.partners, m.nav.negativeBank]) expect(menu).not.toContain(entry);
    for (const path of ['/console/admin/users', '/console/admin/partners', '/console/admin/negative-bank']) {
      await page.goto(`${portal.origin}${path}`);
      await page.getByRole('heading', { level: 1, name: m.app.notFound }).waitFor();
    }

    await page.goto(`${portal.origin}/console/admin/hosts`);
    await page.getByRole('heading', { level: 1, name: a.hosts.title }).waitFor();
    await expectAccessible(page);
    const domain = page.getByLabel(a.hosts.domain, { exact: true });
    const abuse = page.getByLabel(a.hosts.abuseEmail, { exact: true });
    await page.keyboard.press('a');
    await page.keyboard.type('https://videos.example/path');
    await page.getByLabel(a.hosts.name, { exact: true }).fill('Videos Example');
    await page.getByRole('button', { name: a.hosts.add, exact: true }).click();
    await page.getByText(a.hosts.errors.domain).waitFor();
    expect(await domain.getAttribute('aria-invalid')).toBe('true');
    expect(await abuse.getAttribute('aria-invalid')).toBeNull();
    await expectAccessible(page);
    await consoleScreenshot(page, 'admin-hosts-domain-error');

    await domain.fill('videos.example');
    await abuse.fill('not an email');
    await page.getByRole('button', { name: a.hosts.add, exact: true }).click();
    await page.getByText(a.hosts.errors.abuseEmail).waitFor();
    expect(await abuse.getAttribute('aria-invalid')).toBe('true');
    expect(await domain.getAttribute('aria-invalid')).toBeNull();

    await abuse.fill('abuse@videos.example');
    await page.getByRole('button', { name: a.hosts.add, exact: true }).click();
    await page.getByRole('status').filter({ hasText: fill(a.hosts.added, { domain: 'videos.example' }) }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'videos.example' });
    await row.getByText('abuse@videos.example').waitFor();
    await row.getByText(a.hosts.languages.fr).waitFor();

    // The same domain again: said at the domain field.
    await domain.fill('VIDEOS.example');
    await page.getByLabel(a.hosts.name, { exact: true }).fill('Again');
    await page.getByRole('button', { name: a.hosts.add, exact: true }).click();
    await page.getByText(a.hosts.errors.domainTaken).waitFor();
    expect(await domain.getAttribute('aria-invalid')).toBe('true');
    await domain.fill('');
    await page.getByLabel(a.hosts.name, { exact: true }).fill('');

    // Edit: English notices, a partner.
    await page.getByRole('button', { name: fill(a.hosts.editOf, { domain: 'videos.example' }) }).click();
    await page.getByRole('heading', { level: 2, name: fill(a.hosts.editTitle, { domain: 'videos.example' }) }).waitFor();
    await page.getByLabel(a.hosts.language).selectOption('en');
    await page.getByLabel(a.hosts.partnerField).check();
    await expectAccessible(page);
    await page.getByRole('button', { name: a.hosts.save }).click();
    await page.getByRole('status').filter({ hasText: fill(a.hosts.saved, { domain: 'videos.example' }) }).waitFor();
    await row.getByText(a.hosts.languages.en).waitFor();
    await row.getByText(a.hosts.yes, { exact: true }).waitFor();
    const saved = (await portal.server.takedown.listHosts()).find((h) => h.domain === 'videos.example');
    expect(saved).toMatchObject({ name: 'Videos Example', abuseEmail: 'abuse@videos.example', language: 'en', partner: true });
    await consoleScreenshot(page, 'admin-hosts');

    await page.getByRole('button', { name: fill(a.hosts.deleteOf, { domain: 'videos.example' }) }).click();
    await page.getByRole('dialog', { name: fill(a.hosts.deleteTitle, { domain: 'videos.example' }) }).getByRole('button', { name: a.hosts.delete }).click();
    await page.getByRole('status').filter({ hasText: fill(a.hosts.deleted, { domain: 'videos.example' }) }).waitFor();
    await expect.poll(() => row.count()).toBe(0);
    expect((await portal.server.takedown.listHosts()).some((h) => h.domain === 'videos.example')).toBe(false);
    // Only the refusals the form showed at its fields, nothing else.
    const refused = (status: string) => `console: Failed to load resource: the server responded with a status of ${status}`;
    expect(problems).toEqual([refused('400 (Bad Request)'), refused('400 (Bad Request)'), refused('409 (Conflict)')]);
    await context.close();
  });

  it('reads in French', async () => {
    const supervisor = await createStaff(portal.server, 'supervisor');
    await portal.server.takedown.createHost({ domain: 'hebergeur.example', name: 'Hébergeur Exemple', abuseEmail: 'abus@hebergeur.example', language: 'fr' }, 'system');
    const fr = TEXTS.fr;
    const { page, context, problems } = await consolePage(browser, { locale: 'fr-FR' });
    await page.goto(`${portal.origin}/console/admin/hosts`);
    await page.getByLabel(fr.common.signIn.email).fill(supervisor.email);
    await page.getByLabel(fr.common.signIn.password, { exact: true }).fill(STAFF_PASSWORD);
    await page.getByLabel(fr.common.signIn.code).fill(await supervisor.code());
    await page.getByRole('button', { name: fr.common.signIn.submit }).click();
    await page.getByRole('heading', { level: 1, name: fr.admin.hosts.title }).waitFor();
    await page.getByRole('row').filter({ hasText: 'hebergeur.example' }).getByText(fr.admin.hosts.languages.fr).waitFor();
    await expectAccessible(page);
    await consoleScreenshot(page, 'admin-hosts-fr');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('negative bank and held hashes', () => {
  it('adds lines with a result for each, deletes an entry, and an analyst restores a held hash for partners', async () => {
    const admin = await createStaff(portal.server, 'admin');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, admin, '/console/admin/negative-bank');
    await page.getByRole('heading', { level: 1, name: a.negative.title }).waitFor();
    await expectAccessible(page);

    const benign = randomPdq();
    const other = randomPdq();
    await page.keyboard.press('a');
    await page.keyboard.insertText(`${benign} stock photo\n\nnot-a-hash label\n${other}`);
    await page.getByRole('button', { name: a.negative.add, exact: true }).click();
    const results = page.getByRole('region', { name: fill(a.negative.resultTitle, { added: 2, present: 0, refused: 1 }) });
    await results.waitFor();
    const lines = await results.getByRole('listitem').allTextContents();
    expect(lines).toEqual([
      `${fill(a.negative.line, { line: 1 })} ${benign.slice(0, 16)}… — ${a.negative.outcome.added}`,
      `${fill(a.negative.line, { line: 3 })} not-a-hash — ${a.negative.outcome.malformed}`,
      `${fill(a.negative.line, { line: 4 })} ${other.slice(0, 16)}… — ${a.negative.outcome.added}`,
    ]);
    // The refused line stays in the field, to correct.
    expect(await page.getByLabel(a.negative.linesLabel).inputValue()).toBe('not-a-hash label');
    await expectAccessible(page);
    await consoleScreenshot(page, 'admin-negative-bank-results');

    await page.getByLabel(a.negative.linesLabel).fill(benign);
    await page.getByRole('button', { name: a.negative.add, exact: true }).click();
    await page.getByRole('region', { name: fill(a.negative.resultTitle, { added: 0, present: 1, refused: 0 }) }).getByText(a.negative.outcome.present).waitFor();
    await page.getByRole('row').filter({ hasText: benign }).getByText('stock photo').waitFor();
    // Never in an address.
    expect(page.url()).not.toContain(benign);

    await page.getByRole('button', { name: fill(a.negative.deleteOf, { label: other.slice(0, 16) }) }).click();
    const dialog = page.getByRole('dialog', { name: a.negative.deleteTitle });
    await dialog.getByText(other).waitFor();
    await dialog.getByRole('button', { name: a.negative.delete }).click();
    await page.getByRole('status').filter({ hasText: fill(a.negative.deleted, { label: other.slice(0, 16) }) }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: other }).count()).toBe(0);
    await consoleScreenshot(page, 'admin-negative-bank');
    expect(problems).toEqual([]);
    await context.close();

    // A partner submits a hash close to the benign image: held, out of every feed.
    const created = await portal.server.partners.create('Held Test Partner', { scopes: ['hashes:write', 'feed:read'], rateLimitPerMinute: 10_000 }, 'system');
    if (!created.ok) throw new Error(created.reason);
    const key = created.credentials.apiKey;
    const near = flipBits(benign, 20);
    const submitted = await partnerCall(key, '/hashes', { hashes: [{ signalType: 'pdq', value: near, quality: 90 }] });
    expect(await submitted.json()).toEqual({ results: [{ index: 0, ok: true, created: true }] });
    const feed = async () => ((await (await partnerCall(key, '/feed?limit=5000')).json()) as { records: { value: string; status: string }[] }).records.find((r) => r.value === near);
    expect(await feed()).toBeUndefined();

    // An analyst restores it.
    const analyst = await createStaff(portal.server, 'analyst');
    const second = await consolePage(browser);
    await signIn(second.page, portal.origin, analyst, '/console/admin/bank-reviews');
    await second.page.getByRole('heading', { level: 1, name: a.reviews.title }).waitFor();
    const held = second.page.getByRole('row').filter({ hasText: near });
    await held.getByText(a.reviews.reasons.negative_bank).waitFor();
    await held.getByText(a.reviews.hidden).waitFor();
    await expectAccessible(second.page);
    await consoleScreenshot(second.page, 'admin-bank-reviews');
    await held.getByRole('button', { name: fill(a.reviews.restoreOf, { hash: near.slice(0, 16) }) }).click();
    const restore = second.page.getByRole('dialog', { name: a.reviews.restoreTitle });
    await restore.getByText(near, { exact: false }).waitFor();
    await expectAccessible(second.page);
    await restore.getByRole('button', { name: a.reviews.restore }).click();
    await second.page.getByRole('status').filter({ hasText: fill(a.reviews.restored, { hash: `${near.slice(0, 16)}…` }) }).waitFor();
    // The list reloads after the answer: wait for the row to leave it.
    await expect.poll(() => held.count()).toBe(0);
    expect((await feed())?.status).toBe('active');
    expect(second.problems).toEqual([]);
    await second.context.close();
  });
});
