// Supervisors' and admins' oversight pages in Chromium against the real
// server: statistics (figures, charts with their tables, CSV export) from a
// situation made through the real APIs, the audit log with its chain's state
// (intact, then broken after a row is edited behind the server's back), the
// helplines the portal shows, and a partner's webhooks (secret shown once).

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/browser.ts';
import { seriousViolations } from './axe.ts';
import { TEXTS, consolePage, consoleScreenshot, createStaff, signIn } from './console.ts';
import { type Portal, startPortal } from './harness.ts';

let portal: Portal;
let browser: Browser;
const en = TEXTS.en;
const PARTNER = 'Photo Platform';

beforeAll(async () => {
  portal = await startPortal({ env: { DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP: 'true' } });
  browser = await launchChromium();
  // Two reports (one about a minor), a photo hash in the bank, and a partner that blocked it.
  const inject = portal.server.app.inject.bind(portal.server.app);
  const pdq = randomBytes(32).toString('hex');
  for (const [i, ageGroup] of (['adult', 'minor'] as const).entries()) {
    const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `oversight-${i}` }, payload: { situation: 'online', ageGroup, aiGenerated: 'no', language: 'en' } });
    const { token } = opened.json<{ token: string }>();
    const items = i === 0 ? [{ type: 'photo', pdq, quality: 90 }, { type: 'url', url: 'https://host.example/a' }] : [{ type: 'url', url: 'https://host.example/b' }];
    const added = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${token}` }, payload: { items } });
    expect(added.statusCode).toBe(200);
  }
  const created = await portal.server.partners.create(PARTNER, { rateLimitPerMinute: 1000 }, 'system');
  if (!created.ok) throw new Error('partner not created');
  const partner = created.credentials;
  const feedback = await inject({ method: 'POST', url: '/api/partner/v1/feedback', headers: { authorization: `Bearer ${partner.apiKey}` }, payload: { items: [{ signalType: 'pdq', value: pdq, feedback: 'Blocked' }] } });
  expect(feedback.statusCode).toBeLessThan(300);
}, 180_000);

afterAll(async () => {
  await browser.close();
  await portal.close();
});

describe('statistics (supervisor)', () => {
  it('shows the figures and charts of the period, each chart with its table, and exports CSV', async () => {
    const m = en.stats;
    const staff = await createStaff(portal.server, 'supervisor');
    const { context, page, problems } = await consolePage(browser);
    await signIn(page, portal.origin, staff, '/console/stats');
    await page.getByRole('heading', { level: 1, name: m.title }).waitFor();
    const reports = page.locator('.figure').filter({ hasText: m.figures.reports }).locator('.figure-value');
    await reports.waitFor();
    expect(await reports.textContent()).toBe('2');
    // Charts are drawn (SVG bars), and their figures are readable as tables.
    await page.locator('#weekly-title ~ .chart-area svg .recharts-bar-rectangle').first().waitFor();
    const feedback = page.getByRole('region', { name: m.charts.feedback });
    await feedback.getByText(m.asTable).click();
    const row = feedback.getByRole('row', { name: PARTNER });
    expect(await row.getByRole('cell').first().textContent()).toBe('1');
    const weekly = page.getByRole('region', { name: m.charts.weekly });
    await weekly.getByText(m.asTable).click();
    expect(await weekly.getByRole('row').count()).toBeGreaterThanOrEqual(13); // header + every week of 12 weeks
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'stats');

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: m.exportCsv }).click();
    const file = await downloading;
    expect(file.suggestedFilename()).toMatch(/^disrupt-stats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await file.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('section,key,subkey,value');
    expect(csv).toContain(`feedback_by_partner,${PARTNER},Blocked,1`);
    expect(csv).toContain('reports_by_age_group,minor,,1');

    // French
    await page.getByRole('button', { name: en.common.app.languageLabel }).click();
    await page.getByRole('heading', { level: 1, name: TEXTS.fr.stats.title }).waitFor();
    await consoleScreenshot(page, 'stats-fr');
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('admin oversight', () => {
  it('audit log: entries with staff e-mails, filtered by action; the chain breaks where a row was edited', async () => {
    const m = TEXTS.en.oversight.audit;
    const admin = await createStaff(portal.server, 'admin');
    const { context, page, problems } = await consolePage(browser);
    await signIn(page, portal.origin, admin, '/console/admin/audit');
    await page.getByRole('heading', { level: 1, name: m.title }).waitFor();
    await page.getByRole('status').filter({ hasText: '✓' }).waitFor();
    await page.getByRole('cell', { name: admin.email }).first().waitFor();
    await page.getByLabel(m.action).fill('login');
    await page.getByRole('button', { name: m.filter }).click();
    await page.getByRole('table', { name: `Entries "login", newest first` }).waitFor();
    const actions = await page.locator('tbody tr td:nth-child(4)').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['login']));
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'audit');

    // Someone with database access edits an entry (past the append-only trigger).
    const db = portal.server.database.db;
    await db.execute(sql`alter table audit_log disable trigger user`);
    try {
      await db.execute(sql`update audit_log set action = 'tampered' where id = 3`);
    } finally {
      await db.execute(sql`alter table audit_log enable trigger user`);
    }
    await page.getByRole('button', { name: m.verifyAgain }).click();
    await page.getByRole('alert').filter({ hasText: '#3' }).waitFor();
    await consoleScreenshot(page, 'audit-broken');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('helplines: the list saved here is the one the portal shows', async () => {
    const m = TEXTS.en.oversight.helplines;
    const admin = await createStaff(portal.server, 'admin');
    const { context, page, problems } = await consolePage(browser);
    await signIn(page, portal.origin, admin, '/console/admin/helplines');
    await page.getByRole('heading', { level: 1, name: m.title }).waitFor();
    await page.getByText(m.fromConfig).waitFor();
    const before = (await portal.server.app.inject({ method: 'GET', url: '/api/portal/config' })).json<{ helplines: { name: string }[] }>().helplines;
    expect(await page.getByLabel(m.name, { exact: true }).count()).toBe(before.length);
    await page.getByRole('button', { name: m.add }).click();
    const last = page.locator('ol.helplines > li').last();
    await last.getByLabel(m.name, { exact: true }).fill('Night line');
    await last.getByLabel(m.url).fill('http://not-https.example');
    await page.getByRole('button', { name: m.save }).click();
    await page.getByText(m.invalid).waitFor();
    await last.getByLabel(m.url).fill('https://night.example');
    await last.getByLabel(m.phone).fill('0800 000 000');
    await last.getByLabel(m.minors).check();
    await last.getByLabel(m.textFr).fill('Écoute la nuit');
    await last.getByRole('button', { name: m.up }).click();
    await page.getByRole('button', { name: m.save }).click();
    await page.getByText(m.saved).waitFor();
    await page.getByText(m.fromConsole).waitFor();
    const after = (await portal.server.app.inject({ method: 'GET', url: '/api/portal/config' })).json<{ helplines: { name: string; url?: string; minors?: boolean; text?: { fr?: string } }[] }>().helplines;
    expect(after).toHaveLength(before.length + 1);
    expect(after[before.length - 1]).toEqual({ name: 'Night line', phone: '0800 000 000', url: 'https://night.example', minors: true, text: { fr: 'Écoute la nuit' } });
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'helplines');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a partner's webhooks: added with its secret shown once, listed, removed", async () => {
    const m = TEXTS.en.oversight.webhooks;
    const admin = await createStaff(portal.server, 'admin');
    const partner = (await portal.server.partners.list()).find((p) => p.name === PARTNER)!;
    const { context, page, problems } = await consolePage(browser);
    await signIn(page, portal.origin, admin, '/console/admin/partners');
    await page.getByRole('link', { name: TEXTS.en.admin.partners.webhooksOf.replace('{{name}}', PARTNER) }).click();
    await page.getByRole('heading', { level: 1, name: m.title.replace('{{name}}', PARTNER) }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/admin/partners/${partner.id}/webhooks`);
    await page.getByText(m.none).waitFor();
    await page.getByLabel(m.url).fill('http://127.0.0.1:9/hook');
    await page.getByRole('button', { name: m.add }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await page.locator('ul.plain').getByText('http://127.0.0.1:9/hook').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await consoleScreenshot(page, 'webhooks');
    await page.getByRole('button', { name: m.secretStored }).click();
    await expect.poll(() => page.getByTestId('webhook-secret').count()).toBe(0);
    // Shown once: reloading never shows it again.
    await page.reload();
    await page.locator('ul.plain').getByText('http://127.0.0.1:9/hook').waitFor();
    expect(await page.content()).not.toContain(secret);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: m.remove }).click();
    await page.getByText(m.none).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
