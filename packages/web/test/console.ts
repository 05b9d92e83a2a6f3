// The console in Chromium: staff accounts made on the real server (enrolled
// with a real TOTP secret), signing in through the page, the console's texts
// for locating elements, screenshots, and a watch on CSP violations and page
// errors (the console must run under its strict CSP with none).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import type { RunningServer, UserRole } from '@disrupt/server';
import { NAMESPACES } from '../src/console/i18n.ts';
import { SCREENSHOT_DIR } from './harness.ts';
import { freshCode as freshTotp } from '../../server/test/console.ts';

export const STAFF_PASSWORD = 'correct horse battery staple';

/** The console's texts, by language and namespace: tests find elements by what people read. */
export const TEXTS = {
  en: Object.fromEntries(Object.entries(NAMESPACES).map(([name, texts]) => [name, texts.en])) as { [K in keyof typeof NAMESPACES]: (typeof NAMESPACES)[K]['en'] },
  fr: Object.fromEntries(Object.entries(NAMESPACES).map(([name, texts]) => [name, texts.fr])) as { [K in keyof typeof NAMESPACES]: (typeof NAMESPACES)[K]['fr'] },
};

export interface Staff {
  readonly email: string;
  readonly role: UserRole;
  readonly secret: string;
  /** A code of the authenticator not used yet (the server accepts each code once). */
  code(): Promise<string>;
}

/** The code the authenticator shows now. */
export function totp(secret: string): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate();
}

/** A code not used yet: the server accepts each code once (the server's tests' helper, one record of the codes used). */
export { freshTotp };

let counter = 0;

/** A staff account of `role`, enrolled over HTTP (the enrolment page has its own test). */
export async function createStaff(server: RunningServer, role: UserRole, email = `${role}-${++counter}@hotline.example`): Promise<Staff> {
  const { enrolmentToken } = await server.accounts.createUser(email, role, 'system');
  const start = await server.app.inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: enrolmentToken } });
  const { secret } = start.json<{ secret: string }>();
  const finish = await server.app.inject({ method: 'POST', url: '/api/console/enrol/finish', payload: { token: enrolmentToken, password: STAFF_PASSWORD, code: await freshTotp(secret) } });
  if (finish.statusCode !== 204) throw new Error(`enrolment failed: ${finish.statusCode}`);
  return { email, role, secret, code: () => freshTotp(secret) };
}

/** Fills the sign-in form shown at `path` (or wherever the console asks for it) and waits for the menu. */
export async function signIn(page: Page, origin: string, staff: Staff, path = '/console'): Promise<void> {
  const m = TEXTS.en.common;
  await page.goto(`${origin}${path}`);
  await page.getByLabel(m.signIn.email).fill(staff.email);
  await page.getByLabel(m.signIn.password, { exact: true }).fill(STAFF_PASSWORD);
  await page.getByLabel(m.signIn.code).fill(await staff.code());
  await page.getByRole('button', { name: m.signIn.submit }).click();
  await page.getByRole('navigation', { name: m.app.nav }).waitFor();
}

/** A fresh English context and page (1280 px), with page errors and CSP violations recorded. */
export async function consolePage(browser: Browser, options: { locale?: string } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|404)/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

export async function consoleScreenshot(page: Page, name: string): Promise<void> {
  const dir = join(SCREENSHOT_DIR, 'console');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** The menu's entries as the signed-in user sees them. */
export async function menuEntries(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: TEXTS.en.common.app.nav }).getByRole('link').allTextContents();
}
