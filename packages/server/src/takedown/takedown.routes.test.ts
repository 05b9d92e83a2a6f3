// Takedown and escalation over HTTP on both back ends, without SMTP (notices
// wait in the outbox): the host directory, notices in French and English,
// the scheduled re-checks, removal, and packages for the authorities.
import { createHash } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/database.ts';
import { type ConsoleLogin, as, consoleUser } from '../../test/console.ts';
import { startContentHost } from '../../test/fixtures.ts';
import { describeServer } from '../../test/server.ts';

const host = await startContentHost('cdn.pics.example');
afterAll(() => host.close());

const PDQ = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';

describeServer(
  'takedown',
  ({ server }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);
    let analyst: ConsoleLogin;
    let supervisor: ConsoleLogin;

    async function report(ageGroup: 'adult' | 'minor', items: object[]): Promise<{ token: string; ids: string[] }> {
      const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `t-${Math.random()}` }, payload: { situation: 'online', ageGroup, aiGenerated: 'yes', language: 'en' } });
      const token = opened.json<{ token: string }>().token;
      const added = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${token}` }, payload: { items } });
      return { token, ids: added.json<{ results: { itemId: string }[] }>().results.map((r) => r.itemId) };
    }
    const victimView = async (token: string) =>
      (await inject({ method: 'GET', url: '/api/victim/case', headers: { authorization: `Bearer ${token}` } })).json<{ items: { id: string; status: string; history: { status: string }[] }[] }>();

    /** Claims until `itemId` comes up (releasing nothing: tests own their items), then decides it. */
    async function decide(itemId: string, decision: string): Promise<void> {
      for (let i = 0; i < 50; i++) {
        const next = (await inject(as(analyst, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { itemId: string } | null }>().item;
        if (!next) break;
        if (next.itemId === itemId) {
          const response = await inject(as(analyst, { method: 'POST', url: `/api/console/items/${itemId}/decision`, payload: { decision } }));
          expect(response.statusCode).toBe(204);
          return;
        }
        await inject(as(analyst, { method: 'POST', url: `/api/console/items/${next.itemId}/release` }));
        throw new Error('another item came first: tests decide items in order');
      }
      throw new Error('item not in the queue');
    }
    const detail = async (itemId: string) =>
      (await inject(as(analyst, { method: 'GET', url: `/api/console/items/${itemId}` }))).json<{
        case: { id: string };
        item: { status: string; position: number; notifiedAt: string | null; removedAt: string | null };
        notices: { status: string; sentAt: string | null }[];
        checks: { outcome: string; manual: boolean }[];
        escalations: { reference: string }[];
      }>();

    beforeAll(async () => {
      analyst = await consoleUser(server(), 'analyst');
      supervisor = await consoleUser(server(), 'supervisor');
    });

    describe('host directory', () => {
      it('matches the longest domain, lets supervisors edit and analysts read, refuses what is not a domain', async () => {
        const add = (who: ConsoleLogin, payload: object) => inject(as(who, { method: 'POST', url: '/api/console/hosts', payload }));
        expect((await add(supervisor, { domain: 'Pics.Example.', name: 'Pics', abuseEmail: 'abuse@pics.example', language: 'fr' })).statusCode).toBe(201);
        const cdn = await add(supervisor, { domain: 'cdn.pics.example', name: 'Pics CDN', abuseEmail: 'cdn-abuse@pics.example', partner: true });
        expect(cdn.json()).toMatchObject({ domain: 'cdn.pics.example', language: 'en', partner: true });
        expect((await add(supervisor, { domain: 'pics.example', name: 'Again' })).statusCode).toBe(409);
        expect((await add(analyst, { domain: 'other.example', name: 'Other' })).statusCode).toBe(404);
        for (const domain of ['not a domain', 'http://x.example/', '10.0.0.1', 'localhost', 'a..b.example', '']) {
          expect((await add(supervisor, { domain, name: 'Bad' })).statusCode, domain).toBe(400);
        }
        expect((await add(supervisor, { domain: 'ok.example', name: 'Bad', abuseEmail: 'not-an-email' })).statusCode).toBe(400);
        expect((await add(supervisor, { domain: 'ok.example', name: 'Bad', extra: 1 })).statusCode).toBe(400);
        const list = (await inject(as(analyst, { method: 'GET', url: '/api/console/hosts' }))).json<{ hosts: { id: string; domain: string }[] }>().hosts;
        expect(list.map((h) => h.domain)).toEqual(expect.arrayContaining(['cdn.pics.example', 'pics.example']));
        const temp = (await add(supervisor, { domain: 'temp.example', name: 'Temp' })).json<{ id: string }>();
        expect((await inject(as(supervisor, { method: 'PATCH', url: `/api/console/hosts/${temp.id}`, payload: { language: 'fr' } }))).json()).toMatchObject({ language: 'fr' });
        expect((await inject(as(supervisor, { method: 'DELETE', url: `/api/console/hosts/${temp.id}` }))).statusCode).toBe(204);
        expect((await inject(as(supervisor, { method: 'DELETE', url: `/api/console/hosts/${temp.id}` }))).statusCode).toBe(404);
      });
    });

    describe('notices and re-checks', () => {
      let token: string;
      let urlItem: string;
      let photoItem: string;
      const path = '/img/123';

      beforeAll(async () => {
        ({ token, ids: [urlItem = '', photoItem = ''] } = await report('adult', [{ type: 'url', url: `${host.origin}${path}` }, { type: 'photo', pdq: PDQ, quality: 100 }]));
      });

      it('only notifies a URL an analyst accepted', async () => {
        expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/notices`, payload: {} }))).statusCode).toBe(409);
        await decide(urlItem, 'ncii_adult');
        expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${photoItem}/notices`, payload: {} }))).statusCode).toBe(404);
        expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/notices`, payload: { recipient: 'nope' } }))).statusCode).toBe(400);
        expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/not-a-uuid/notices`, payload: {} }))).statusCode).toBe(400);
      });

      it('previews the notice in either language, addressed from the directory', async () => {
        const preview = (language?: string) =>
          inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/notice-preview`, payload: language ? { language } : {} })).then((r) =>
            r.json<{ recipient: string; channel: string; subject: string; text: string; host: { name: string } }>(),
          );
        const english = await preview();
        expect(english).toMatchObject({ recipient: 'cdn-abuse@pics.example', channel: 'outbox', host: { name: 'Pics CDN' } });
        expect(english.text).toContain(`${host.origin}${path}`);
        expect(english.text).toContain('Article 16 of Regulation (EU) 2022/2065');
        expect(english.text).toContain('artificial intelligence'); // the victim said AI-generated
        const french = await preview('fr');
        expect(french.subject).toContain('demande de retrait');
        expect(french.text).toContain('226-2-1');
      });

      it('leaves the notice in the outbox; downloading it records it as sent and starts the re-checks', async () => {
        const created = await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/notices`, payload: { language: 'fr' } }));
        expect(created.statusCode).toBe(201);
        const notice = created.json<{ id: string; reference: string; status: string; channel: string }>();
        expect(notice).toMatchObject({ status: 'outbox', channel: 'outbox' });
        expect((await victimView(token)).items.find((i) => i.id === urlItem)!.status).toBe('in_review');
        const outbox = (await inject(as(analyst, { method: 'GET', url: '/api/console/notices/outbox' }))).json<{ notices: { id: string; itemId: string; caseId: string; position: number }[] }>();
        // With its case and the item's place there, to open the case from the outbox.
        const waiting = outbox.notices.find((n) => n.id === notice.id);
        const item = await detail(urlItem);
        expect(waiting).toMatchObject({ itemId: urlItem, caseId: item.case.id, position: item.item.position });

        const download = await inject(as(analyst, { method: 'POST', url: `/api/console/notices/${notice.id}/download` }));
        expect(download.statusCode).toBe(200);
        expect(download.headers['content-type']).toBe('message/rfc822');
        expect(download.headers['content-disposition']).toBe(`attachment; filename="${notice.reference}.eml"`);
        expect(download.body).toContain('To: cdn-abuse@pics.example');
        expect(download.body).toContain(notice.reference);

        const after = await detail(urlItem);
        expect(after.item.status).toBe('notified');
        expect(after.notices).toMatchObject([{ status: 'exported' }]);
        expect((await inject(as(analyst, { method: 'GET', url: '/api/console/notices/outbox' }))).json<{ notices: { id: string }[] }>().notices.map((n) => n.id)).not.toContain(notice.id);
        expect((await victimView(token)).items.find((i) => i.id === urlItem)!.status).toBe('notified');
        const jobs = await queryRows<{ n: number }>(server().database.db, sql`select count(*)::int as n from pgboss.job where name = 'url.recheck' and data->>'itemId' = ${urlItem}`);
        expect(jobs[0]?.n).toBe(1);
      });

      it('re-checks on schedule, once per slot, and records the removal', async () => {
        const takedown = server().takedown;
        const due = new Date(Date.now() - 1000);
        expect(await takedown.recheckJob(urlItem, due)).toBe('done');
        expect(await takedown.recheckJob(urlItem, due)).toBe('nothing_to_do'); // the same slot, run twice
        expect((await detail(urlItem)).checks).toMatchObject([{ outcome: 'online', manual: false }]);
        const jobs = await queryRows<{ n: number }>(server().database.db, sql`select count(*)::int as n from pgboss.job where name = 'url.recheck' and data->>'itemId' = ${urlItem}`);
        expect(jobs[0]?.n).toBe(2); // the next slot is scheduled

        host.setStatus(path, 404);
        expect(await takedown.recheckJob(urlItem, new Date())).toBe('done');
        const removed = await detail(urlItem);
        expect(removed.item.status).toBe('removed');
        expect(removed.item.removedAt).not.toBeNull();
        expect(await takedown.recheckJob(urlItem, new Date())).toBe('nothing_to_do'); // gone: no more checks

        // It comes back at the same address: an analyst's check reopens the watch; they confirm it gone again.
        host.setStatus(path, 200);
        expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/check` }))).json()).toMatchObject({ outcome: 'online', manual: true });
        expect((await detail(urlItem)).item).toMatchObject({ status: 'notified', removedAt: null });
        expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${urlItem}/removed` }))).statusCode).toBe(204);
        expect((await detail(urlItem)).item.status).toBe('removed');
        const history = (await victimView(token)).items.find((i) => i.id === urlItem)!.history.map((h) => h.status);
        expect(history).toEqual(['received', 'in_review', 'notified', 'removed', 'notified', 'removed']);
      });

      it('counts notices and removals per host and per partner', async () => {
        const stats = (await inject(as(supervisor, { method: 'GET', url: '/api/console/stats' }))).json<{
          notices: { sent: number };
          removals: { overall: { notified: number; removed: number; removalRate: number }; byHost: { name: string }[]; byPartner: { name: string; removed: number; medianHoursToRemoval: number }[] };
        }>();
        expect(stats.notices.sent).toBe(1);
        expect(stats.removals.overall).toMatchObject({ notified: 1, removed: 1, removalRate: 1 });
        expect(stats.removals.byPartner).toMatchObject([{ name: 'Pics CDN', removed: 1 }]);
        expect(stats.removals.byPartner[0]!.medianHoursToRemoval).toBeGreaterThanOrEqual(0);
      });
    });

    describe('escalation', () => {
      it('is for minors only', async () => {
        const { ids } = await report('adult', [{ type: 'url', url: 'https://adult.example/x' }]);
        const caseId = (await inject(as(analyst, { method: 'GET', url: `/api/console/items/${ids[0]}` }))).json<{ case: { id: string } }>().case.id;
        expect((await inject(as(analyst, { method: 'POST', url: `/api/console/cases/${caseId}/escalations`, payload: { authority: 'pharos' } }))).statusCode).toBe(409);
        await decide(ids[0]!, 'not_intimate'); // out of the queue for the next test
      });

      it('records a package with URLs, hashes and decisions, keeps it as sent, and shreds it on withdrawal', async () => {
        const { token, ids } = await report('minor', [{ type: 'url', url: 'https://minor.example/p/1' }, { type: 'photo', pdq: PDQ.replace(/^f8/, '08'), quality: 90 }]);
        const caseId = (await inject(as(analyst, { method: 'GET', url: `/api/console/items/${ids[0]}` }))).json<{ case: { id: string } }>().case.id;
        await decide(ids[0]!, 'ncii_minor');
        const escalate = (payload: object) => inject(as(analyst, { method: 'POST', url: `/api/console/cases/${caseId}/escalations`, payload }));
        expect((await escalate({ authority: 'interpol' })).statusCode).toBe(400);
        const created = await escalate({ authority: 'pharos' });
        expect(created.statusCode).toBe(201);
        const { escalation, package: pkg } = created.json<{
          escalation: { id: string; reference: string; packageDigest: string; itemCount: number; authorityReference: string | null };
          package: { format: string; items: { url: string | null; decision: string | null; hashes: { signalType: string; value: string }[] }[] };
        }>();
        expect(escalation).toMatchObject({ itemCount: 2, authorityReference: null });
        expect(escalation.reference).toMatch(/^ESC-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        expect(pkg.format).toBe('disrupt-escalation/1');
        expect(pkg.items.map((i) => [i.url, i.decision])).toEqual([
          ['https://minor.example/p/1', 'ncii_minor'],
          [null, null],
        ]);
        expect(pkg.items[1]!.hashes).toEqual([{ signalType: 'pdq', value: PDQ.replace(/^f8/, '08'), verified: false }]);

        const patched = await inject(as(analyst, { method: 'PATCH', url: `/api/console/escalations/${escalation.id}`, payload: { authorityReference: 'PHAROS-2026-118' } }));
        expect(patched.json()).toMatchObject({ authorityReference: 'PHAROS-2026-118' });
        const download = await inject(as(supervisor, { method: 'GET', url: `/api/console/escalations/${escalation.id}/package` }));
        expect(download.statusCode).toBe(200);
        expect(createHash('sha256').update(download.body).digest('hex')).toBe(escalation.packageDigest);
        expect(download.headers['x-package-digest']).toBe(escalation.packageDigest);
        expect(JSON.parse(download.body)).toEqual(pkg);
        expect((await detail(ids[0]!)).escalations.map((e) => e.reference)).toEqual([escalation.reference]);
        const history = (await victimView(token)).items.map((i) => i.history.at(-1)?.status);
        expect(history).toEqual(['escalated', 'escalated']);
        const stats = (await inject(as(supervisor, { method: 'GET', url: '/api/console/stats' }))).json<{ escalations: Record<string, number> }>();
        expect(stats.escalations).toEqual({ pharos: 1 });

        expect((await inject({ method: 'POST', url: '/api/victim/case/withdraw', headers: { authorization: `Bearer ${token}` }, payload: {} })).statusCode).toBe(200);
        expect((await inject(as(supervisor, { method: 'GET', url: `/api/console/escalations/${escalation.id}/package` }))).statusCode).toBe(404);
      });
    });
  },
  { env: { DISRUPT_FETCH_ALLOW: '127.0.0.1' }, start: { urlResolver: host.resolve } },
);
