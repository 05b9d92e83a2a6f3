// The console's shell in Chromium against the real server: enrolment from a
// one-time link (QR code, password, first code), sign-in with TOTP, wrong
// codes, the menu each role sees, pages a role may not open, sign-out, the
// end of a session, French, the CSP (no violation), axe, screenshots.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/browser.ts';
import { seriousViolations } from './axe.ts';
import { STAFF_PASSWORD, TEXTS, consolePage, consoleScreenshot, createStaff, freshTotp, menuEntries, signIn, totp } from './console.ts';
import { type Portal, startPortal } from './harness.ts';

let portal: Portal;
let browser: Browser;
const m = TEXTS.en.common;

beforeAll(async () => {
  portal = await startPortal();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser.close();
  await portal.close();
});

describe('enrolment and sign-in', () => {
  it('enrols from the one-time link with the QR code, then signs in with password and code', async () => {
    const { page, context, problems } = await consolePage(browser);
    const { enrolmentToken } = await portal.server.accounts.createUser('new.analyst@hotline.example', 'analyst', 'system');
    await page.goto(`${portal.origin}/console/enrol#${enrolmentToken}`);
    await page.getByRole('heading', { level: 1, name: m.enrol.title }).waitFor();
    const qr = page.getByRole('img', { name: m.enrol.qrLabel });
    await qr.waitFor();
    // The token leaves the address bar at once.
    expect(page.url()).toBe(`${portal.origin}/console/enrol`);
    const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'enrol');

    await page.getByLabel(m.enrol.password).fill('short');
    await page.getByLabel(m.enrol.confirm).fill('short');
    await page.getByLabel(m.enrol.code, { exact: true }).fill(totp(secret));
    await page.getByRole('button', { name: m.enrol.submit }).click();
    await page.getByRole('alert').filter({ hasText: m.enrol.tooShort }).waitFor();

    await page.getByLabel(m.enrol.password).fill(STAFF_PASSWORD);
    await page.getByLabel(m.enrol.confirm).fill(STAFF_PASSWORD);
    await page.getByLabel(m.enrol.code, { exact: true }).fill(await freshTotp(secret));
    await page.getByRole('button', { name: m.enrol.submit }).click();

    await page.getByRole('heading', { level: 1, name: m.signIn.title }).waitFor();
    await page.getByText(m.enrol.done).waitFor();
    expect(await page.getByLabel(m.signIn.email).inputValue()).toBe('new.analyst@hotline.example');
    await page.getByLabel(m.signIn.password, { exact: true }).fill(STAFF_PASSWORD);
    // Enrolment spent its code: the next one signs in.
    await page.getByLabel(m.signIn.code).fill(await freshTotp(secret));
    await page.getByRole('button', { name: m.signIn.submit }).click();
    await page.getByRole('navigation', { name: m.app.nav }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/queue');

    // The link was for one use only.
    await page.goto(`${portal.origin}/console/enrol#${enrolmentToken}`);
    await page.getByText(m.enrol.invalid).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refuses a wrong code or password with one message, and keeps the address', async () => {
    const staff = await createStaff(portal.server, 'supervisor');
    const { page, context, problems } = await consolePage(browser);
    await page.goto(`${portal.origin}/console/stats`);
    await page.getByRole('heading', { level: 1, name: m.signIn.title }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'sign-in');
    await page.getByLabel(m.signIn.email).fill(staff.email);
    await page.getByLabel(m.signIn.password, { exact: true }).fill(STAFF_PASSWORD);
    await page.getByLabel(m.signIn.code).fill(totp(staff.secret) === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: m.signIn.submit }).click();
    await page.getByRole('alert').filter({ hasText: m.signIn.wrong }).waitFor();
    // Then right: the page asked for before signing in opens.
    await page.getByLabel(m.signIn.password, { exact: true }).fill(STAFF_PASSWORD);
    await page.getByLabel(m.signIn.code).fill(await staff.code());
    await page.getByRole('button', { name: m.signIn.submit }).click();
    await page.getByRole('navigation', { name: m.app.nav }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/stats');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('each role sees its own menu', () => {
  const expected = {
    analyst: { sees: [m.nav.queue, m.nav.takedowns], not: [m.nav.stats, m.nav.users, m.nav.audit] },
    supervisor: { sees: [m.nav.queue, m.nav.takedowns, m.nav.stats], not: [m.nav.users, m.nav.audit] },
    admin: { sees: [m.nav.stats, m.nav.users], not: [m.nav.queue] },
  } as const;

  for (const role of ['analyst', 'supervisor', 'admin'] as const) {
    it(`${role}: the menu, and "not found" for pages of other roles`, async () => {
      const staff = await createStaff(portal.server, role);
      const { page, context, problems } = await consolePage(browser);
      await signIn(page, portal.origin, staff);
      const menu = await menuEntries(page);
      for (const entry of expected[role].sees) expect(menu).toContain(entry);
      for (const entry of expected[role].not) expect(menu).not.toContain(entry);
      await page.getByText(m.app.signedInAs.replace('{{email}}', staff.email).replace('{{role}}', m.roles[role])).waitFor();
      const forbidden = role === 'admin' ? '/console/queue' : '/console/admin/users';
      await page.goto(`${portal.origin}${forbidden}`);
      await page.getByRole('heading', { level: 1, name: m.app.notFound }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await consoleScreenshot(page, `menu-${role}`);
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});

describe('sessions', () => {
  it('signing out ends the session on the server; a session ended elsewhere asks to sign in again', async () => {
    const staff = await createStaff(portal.server, 'analyst');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, staff);
    await page.getByRole('button', { name: m.app.signOut }).click();
    await page.getByText(m.signIn.signedOut).waitFor();
    // The cookie is gone from the server's point of view: reloading asks again.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: m.signIn.title }).waitFor();

    await signIn(page, portal.origin, staff);
    // An admin disables the account: its sessions end at once.
    const users = await portal.server.accounts.listUsers();
    const me = users.find((u) => u.email === staff.email)!;
    await portal.server.accounts.updateUser(me.id, { disabled: true }, 'system');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: m.signIn.title }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('a session that ends mid-work', () => {
  it('asks to sign in again in place, then carries on on the same page', async () => {
    const staff = await createStaff(portal.server, 'analyst');
    const { page, context, problems } = await consolePage(browser);
    await signIn(page, portal.origin, staff, '/console/queue');
    await page.getByRole('heading', { level: 1, name: TEXTS.en.queue.title }).waitFor();
    // The session ends on the server (idle timeout, or signed out elsewhere).
    const [cookie] = await context.cookies(`${portal.origin}/api/console/me`);
    expect(cookie?.httpOnly).toBe(true);
    await portal.server.accounts.logout(cookie!.value);
    // The next call the page makes (refreshing the queue) meets a 401.
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('r');
    await page.getByText(m.signIn.expired).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/queue');
    expect(await page.getByLabel(m.signIn.email).inputValue()).toBe(staff.email);
    await consoleScreenshot(page, 'session-expired');
    await page.getByLabel(m.signIn.password, { exact: true }).fill(STAFF_PASSWORD);
    await page.getByLabel(m.signIn.code).fill(await staff.code());
    await page.getByRole('button', { name: m.signIn.submit }).click();
    await page.getByRole('heading', { level: 1, name: TEXTS.en.queue.title }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/queue');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('languages', () => {
  it('follows a French browser, switches to English and back, and remembers the choice', async () => {
    const staff = await createStaff(portal.server, 'supervisor');
    const fr = TEXTS.fr.common;
    const { page, context, problems } = await consolePage(browser, { locale: 'fr-FR' });
    await page.goto(`${portal.origin}/console`);
    await page.getByRole('heading', { level: 1, name: fr.signIn.title }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    await page.getByLabel(fr.signIn.email).fill(staff.email);
    await page.getByLabel(fr.signIn.password, { exact: true }).fill(STAFF_PASSWORD);
    await page.getByLabel(fr.signIn.code).fill(await staff.code());
    await page.getByRole('button', { name: fr.signIn.submit }).click();
    await page.getByRole('navigation', { name: fr.app.nav }).waitFor();
    expect(await page.getByRole('navigation', { name: fr.app.nav }).getByRole('link').allTextContents()).toContain(fr.nav.stats);
    await consoleScreenshot(page, 'home-fr');
    await page.getByRole('button', { name: fr.app.languageLabel }).click();
    await page.getByRole('navigation', { name: m.app.nav }).waitFor();
    await page.reload();
    await page.getByRole('navigation', { name: m.app.nav }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(problems).toEqual([]);
    await context.close();
  });
});
