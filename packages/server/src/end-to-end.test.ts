// The whole path, over HTTP, on the embedded database and on PostgreSQL: a
// victim opens a case with a URL and a photo → an analyst signs in with TOTP,
// claims, previews, reveals, decides → the photo's hash is verified in the
// bank → a notice goes to the host by e-mail (a real SMTP server) → a
// re-check finds the URL gone (a real web host) → the victim's status shows
// every step. Nothing on the way is a stand-in for our own parts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, expect, it } from 'vitest';
import { PDQ_DIR } from '../../../test/reference.ts';
import { verifyAudit } from './audit/audit.ts';
import { auditLog } from './db/schema.ts';
import { as, consoleUser } from '../test/console.ts';
import { startContentHost, startSmtp } from '../test/fixtures.ts';
import { describeServer, multipart } from '../test/server.ts';

const host = await startContentHost('leaks.example');
const smtp = await startSmtp();
afterAll(async () => {
  await host.close();
  await smtp.close();
});

const DESCRIPTION = 'Photos my ex posted on a forum after we split';
const CONTACT = 'victim-contact@mail.example';

async function until<T>(what: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describeServer(
  'end to end: report → review → bank → notice → removal → status',
  ({ server, logs }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);

    it('runs the whole path', async () => {
      const path = `/thread/${Math.random().toString(36).slice(2)}`;
      const url = `${host.origin}${path}`;
      const photo = readFileSync(join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg'));

      // 1. The victim reports a URL and sends a photo for verification.
      const opened = await inject({
        method: 'POST',
        url: '/api/victim/cases',
        headers: { 'idempotency-key': `e2e-${path}` },
        payload: { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'fr', description: DESCRIPTION, contact: { email: CONTACT } },
      });
      expect(opened.statusCode).toBe(201);
      const { token, caseNumber, secret } = opened.json<{ token: string; caseNumber: string; secret: string }>();
      const victim = (options: InjectOptions): InjectOptions => ({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } });
      const added = await inject(victim({ method: 'POST', url: '/api/victim/case/items', payload: { items: [{ type: 'url', url }] } }));
      expect(added.json<{ results: { ok: boolean }[] }>().results[0]?.ok).toBe(true);
      const upload = multipart(photo, 'IMG_2041.jpg');
      expect((await inject(victim({ method: 'POST', url: '/api/victim/case/media', ...upload }))).statusCode).toBe(201);

      // 2. A supervisor puts the host in the directory; an analyst signs in (password + TOTP).
      const supervisor = await consoleUser(server(), 'supervisor');
      const analyst = await consoleUser(server(), 'analyst');
      const hostEntry = await inject(as(supervisor, { method: 'POST', url: '/api/console/hosts', payload: { domain: 'leaks.example', name: 'Leaks Forum', abuseEmail: 'abuse@leaks.example', language: 'fr' } }));
      expect(hostEntry.statusCode).toBe(201);

      // 3. Claim, look, decide — every item of the case.
      const claimed: { itemId: string; kind: string }[] = [];
      for (;;) {
        const next = (await inject(as(analyst, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { itemId: string; kind: string } | null }>().item;
        if (!next) break;
        claimed.push(next);
        const detail = (await inject(as(analyst, { method: 'GET', url: `/api/console/items/${next.itemId}` }))).json<{ case: { description: string; itemCount: number }; hostEntry: { name: string } | null }>();
        expect(detail.case).toMatchObject({ description: DESCRIPTION, itemCount: 2 });
        if (next.kind === 'photo') {
          const preview = await inject(as(analyst, { method: 'GET', url: `/api/console/items/${next.itemId}/preview` }));
          expect(preview.headers['content-type']).toBe('image/jpeg');
          expect(preview.rawPayload.length).toBeLessThan(photo.length);
          const reveal = await inject(as(analyst, { method: 'POST', url: `/api/console/items/${next.itemId}/reveal` }));
          expect(reveal.rawPayload.equals(photo)).toBe(true);
          expect(reveal.headers['x-reveals-today']).toBe('1');
        } else {
          expect(detail.hostEntry?.name).toBe('Leaks Forum');
        }
        const decided = await inject(as(analyst, { method: 'POST', url: `/api/console/items/${next.itemId}/decision`, payload: { decision: 'ncii_adult', aiGenerated: false } }));
        expect(decided.statusCode).toBe(204);
      }
      expect(claimed.map((c) => c.kind).sort()).toEqual(['photo', 'url']);
      const urlItem = claimed.find((c) => c.kind === 'url')!.itemId;

      // 4. The photo's hash is verified in the bank, and matches there.
      type Status = { items: { id: string; kind: string; status: string; removedAt: string | null; history: { status: string }[]; signals: { signalType: string; value: string }[] }[] };
      const status = async () => (await inject(victim({ method: 'GET', url: '/api/victim/case' }))).json<Status>();
      const photoItem = (await status()).items.find((i) => i.kind === 'photo')!;
      expect(photoItem.status).toBe('shared');
      const pdq = photoItem.signals.find((s) => s.signalType === 'pdq')!;
      // The bank's state is the analysts' to see; the victim sees its item's status.
      const bank = (await inject(as(analyst, { method: 'GET', url: `/api/console/items/${photoItem.id}` }))).json<{ bank: { signalType: string; verified: boolean; status: string }[] }>().bank;
      expect(bank.find((s) => s.signalType === 'pdq')).toMatchObject({ verified: true, status: 'active' });
      await server().bankIndex.refresh();
      expect(server().bankIndex.size).toBeGreaterThan(0);

      // 5. The notice: previewed in French, sent by e-mail to the host's abuse address.
      const preview = (await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/notice-preview`, payload: {} }))).json<{ recipient: string; channel: string; text: string }>();
      expect(preview).toMatchObject({ recipient: 'abuse@leaks.example', channel: 'email' });
      expect(preview.text).toContain(url);
      expect(preview.text).toContain('Leaks Forum');
      const sent = await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/notices`, payload: {} }));
      expect(sent.statusCode).toBe(201);
      const notice = sent.json<{ reference: string; status: string }>();
      expect(notice.status).toBe('queued');
      const mail = await until(async () => Promise.resolve(smtp.received.find((m) => m.raw.includes(notice.reference))));
      expect(mail.to).toEqual(['abuse@leaks.example']);
      expect(mail.text).toContain(url);
      expect(mail.text).toContain('Hotline de test <signalement@hotline.example>');
      expect(mail.text).not.toContain(CONTACT);
      expect(mail.text).not.toContain(DESCRIPTION);
      await until(async () => ((await status()).items.find((i) => i.id === urlItem)?.status === 'notified' ? true : undefined));

      // 6. Still online; then the host takes it down and a re-check sees it gone.
      const check = (await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/check` }))).json<{ outcome: string }>();
      expect(check.outcome).toBe('online');
      host.setStatus(path, 410);
      const gone = (await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/check` }))).json<{ outcome: string; httpStatus: number }>();
      expect(gone).toMatchObject({ outcome: 'removed', httpStatus: 410 });

      // 7. The victim, signing in again with the case number and secret, sees each step.
      const again = await inject({ method: 'POST', url: '/api/victim/sessions', payload: { caseNumber, secret } });
      expect(again.statusCode).toBe(200);
      const final = (await inject({ method: 'GET', url: '/api/victim/case', headers: { authorization: `Bearer ${again.json<{ token: string }>().token}` } })).json<Status>();
      const urlStatus = final.items.find((i) => i.id === urlItem)!;
      expect(urlStatus.status).toBe('removed');
      expect(urlStatus.removedAt).not.toBeNull();
      expect(urlStatus.history.map((h) => h.status)).toEqual(['received', 'in_review', 'notified', 'removed']);

      // 8. The figures follow; the audit chain holds and records each step.
      const stats = (await inject(as(supervisor, { method: 'GET', url: '/api/console/stats' }))).json<{
        notices: { sent: number };
        removals: { overall: { notified: number; removed: number; removalRate: number }; byHost: { name: string; removed: number }[] };
      }>();
      expect(stats.notices.sent).toBeGreaterThanOrEqual(1);
      expect(stats.removals.overall.removed).toBeGreaterThanOrEqual(1);
      expect(stats.removals.byHost.find((h) => h.name === 'Leaks Forum')).toMatchObject({ removed: 1 });
      expect(await verifyAudit(server().database)).toMatchObject({ ok: true });
      const actions = new Set((await server().database.db.select({ action: auditLog.action }).from(auditLog)).map((r) => r.action));
      for (const action of ['key.create', 'login', 'media.reveal', 'item.decide', 'notice.create', 'notice.send', 'url.check']) expect(actions, action).toContain(action);

      // 9. None of the victim's data reached the logs.
      const logged = logs();
      for (const secretThing of [url, path, DESCRIPTION, CONTACT, secret, token, pdq.value, 'IMG_2041']) expect(logged).not.toContain(secretThing);
    });
  },
  {
    env: { DISRUPT_SMTP_URL: smtp.url, DISRUPT_FETCH_ALLOW: '127.0.0.1/32', DISRUPT_HOTLINE_NAME: 'Hotline de test', DISRUPT_HOTLINE_EMAIL: 'signalement@hotline.example' },
    start: { urlResolver: host.resolve },
  },
);
