// Driving the portal as a victim does, by the labels a person reads (taken
// from the locale files, so both languages run the same steps).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { en } from '../src/locales/en.ts';
import type { Messages } from '../src/locales/en.ts';
import { fr } from '../src/locales/fr.ts';
import { SCREENSHOT_DIR } from './harness.ts';

export type Lang = 'en' | 'fr';
export const MESSAGES: Record<Lang, Messages> = { en, fr };

/** A message with its {{placeholders}} filled. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key] ?? ''));
}

export interface ReportInput {
  readonly situation: 'online' | 'atRisk';
  readonly age: 'minor' | 'adult' | 'unsure';
  readonly ai: 'yes' | 'no' | 'unsure';
  readonly description?: string;
  readonly urls?: readonly string[];
  readonly files?: readonly string[];
  readonly folder?: string;
  /** Indexes (in the page's list) of files to send for verification. */
  readonly verify?: readonly number[];
  readonly email?: string;
  /** Called on each step after it is shown (screenshots, axe). */
  readonly onStep?: (name: string) => Promise<void>;
}

export async function next(page: Page, m: Messages): Promise<void> {
  await page.getByRole('button', { name: m.steps.next, exact: true }).click();
}

/** Waits until every file in the list is fingerprinted or explained. */
export async function waitForHashing(page: Page, count: number, timeout = 600_000): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const rows = Array.from(document.querySelectorAll('.file-row'));
      return rows.length === n && rows.every((r) => r.getAttribute('data-state') === 'done' || r.getAttribute('data-state') === 'failed');
    },
    count,
    { timeout, polling: 250 },
  );
}

export async function fileCount(page: Page): Promise<number> {
  return page.locator('.file-row').count();
}

/** Runs the whole report; returns the case number and secret shown at the end. */
export async function report(page: Page, lang: Lang, input: ReportInput): Promise<{ caseNumber: string; secret: string }> {
  const m = MESSAGES[lang];
  const step = async (name: string) => {
    await input.onStep?.(name);
  };
  await page.getByRole('button', { name: m.home.report }).click();
  await page.getByRole('heading', { level: 1, name: m.steps.situation.title }).waitFor();
  await step('1-situation');
  await page.getByLabel(input.situation === 'online' ? m.steps.situation.online : m.steps.situation.atRisk).check();
  await next(page, m);
  await page.getByRole('heading', { level: 1, name: m.steps.age.title }).waitFor();
  await page.getByLabel(m.steps.age[input.age], { exact: true }).check();
  await step('2-age');
  await next(page, m);
  await page.getByRole('heading', { level: 1, name: m.steps.ai.title }).waitFor();
  await page.getByLabel(m.steps.ai[input.ai], { exact: true }).check();
  if (input.description !== undefined) await page.getByLabel(m.steps.ai.description).fill(input.description);
  await step('3-ai');
  await next(page, m);
  await page.getByRole('heading', { level: 1, name: m.steps.items.title }).waitFor();
  if (input.urls !== undefined) await page.getByLabel(m.steps.items.urls).fill(input.urls.join('\n'));
  let expected = 0;
  if (input.files !== undefined && input.files.length > 0) {
    await page.getByLabel(m.steps.items.files).setInputFiles([...input.files]);
    expected += input.files.length;
    await page.locator('.file-row').nth(expected - 1).waitFor();
  }
  if (input.folder !== undefined) {
    await page.getByLabel(m.steps.items.folder).setInputFiles(input.folder);
    await page.waitForFunction((n) => document.querySelectorAll('.file-row').length > n, expected);
    expected = await fileCount(page);
  }
  if (expected > 0) await waitForHashing(page, expected);
  await step('4-items');
  await next(page, m);
  await page.getByRole('heading', { level: 1, name: m.steps.privacy.title }).waitFor();
  for (const index of input.verify ?? []) await page.locator('.verify-list input[type=checkbox]').nth(index).check();
  await step('5-privacy');
  await next(page, m);
  await page.getByRole('heading', { level: 1, name: m.steps.contact.title }).waitFor();
  if (input.email !== undefined) await page.getByLabel(m.steps.contact.email).fill(input.email);
  await step('6-contact');
  await next(page, m);
  await page.getByRole('heading', { level: 1, name: m.steps.review.title }).waitFor();
  await step('7-review');
  await page.getByRole('button', { name: m.steps.review.send }).click();
  await page.getByRole('heading', { level: 1, name: m.steps.done.title }).waitFor({ timeout: 120_000 });
  await step('8-done');
  const caseNumber = (await page.getByTestId('case-number').textContent()) ?? '';
  const secret = (await page.getByTestId('secret').textContent()) ?? '';
  return { caseNumber, secret };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
