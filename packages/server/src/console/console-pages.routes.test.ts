// What the console's pages read, over HTTP on both back ends: the break
// settings in /me, the audit log viewer and its chain check (with a tampered
// entry), the portal's helplines edited in the console, weekly statistics and
// their CSV export, near-duplicate matches in an item's detail, case context
// in the queue and the revealed original's media type.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { PDQ_DIR } from '../../../../test/reference.ts';
import { type ConsoleLogin, as, consoleUser } from '../../test/console.ts';
import { flipBits, randomPdq } from '../../test/partners.ts';
import { describeServer, multipart } from '../../test/server.ts';
import { DEFAULT_HELPLINES } from '../config.ts';
import { auditLog, caseItems } from '../db/schema.ts';

interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorEmail: string | null;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
}
interface Match {
  signalType: string;
  distance: number;
  verified: boolean;
  status: string;
  sameCase: boolean;
  decision: string | null;
}

describeServer(
  'console pages',
  ({ server }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);
    let analyst: ConsoleLogin;
    let supervisor: ConsoleLogin;
    let admin: ConsoleLogin;

    const openCase = async (ageGroup = 'adult'): Promise<string> => {
      const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `pages-${Math.random()}` }, payload: { situation: 'online', ageGroup, aiGenerated: 'no', language: 'en' } });
      expect(opened.statusCode).toBe(201);
      return opened.json<{ token: string }>().token;
    };
    const victim = (token: string, options: InjectOptions): InjectOptions => ({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } });
    const addItems = async (token: string, items: object[]): Promise<string[]> => {
      const added = await inject(victim(token, { method: 'POST', url: '/api/victim/case/items', payload: { items } }));
      expect(added.statusCode).toBe(200);
      return added.json<{ results: { ok: boolean; itemId: string }[] }>().results.map((r) => r.itemId);
    };
    const detail = async (itemId: string) => {
      const response = await inject(as(analyst, { method: 'GET', url: `/api/console/items/${itemId}` }));
      expect(response.statusCode).toBe(200);
      return response.json<{ case: { id: string }; item: { media: string }; matches: Match[] }>();
    };
    const auditPage = async (query: string) => {
      const response = await inject(as(admin, { method: 'GET', url: `/api/console/audit${query}` }));
      expect(response.statusCode).toBe(200);
      return response.json<{ entries: AuditEntry[]; nextBefore: number | null }>();
    };

    beforeAll(async () => {
      analyst = await consoleUser(server(), 'analyst');
      supervisor = await consoleUser(server(), 'supervisor');
      admin = await consoleUser(server(), 'admin');
    });

    it('GET /me: the break settings from the configuration, and the reveals so far today', async () => {
      const me = await inject(as(analyst, { method: 'GET', url: '/api/console/me' }));
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ user: { id: analyst.userId, role: 'analyst' }, settings: { breakAfterReveals: 7, breakAfterMinutes: 45, revealsToday: 0 } });
    });

    it('the queue gives each item its place in its case and the case size; a reveal names the media type', async () => {
      const token = await openCase();
      await addItems(token, [{ type: 'url', url: 'https://queue-context.example/1' }, { type: 'url', url: 'https://queue-context.example/2' }]);
      const png = await sharp(readFileSync(join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg'))).png().toBuffer();
      const { payload, headers } = multipart(png);
      const uploaded = await inject(victim(token, { method: 'POST', url: '/api/victim/case/media', headers, payload }));
      expect(uploaded.statusCode).toBe(201);
      const photoId = uploaded.json<{ itemId: string }>().itemId;

      const queue = (await inject(as(analyst, { method: 'GET', url: '/api/console/queue' }))).json<{ items: { itemId: string; kind: string; position: number; caseItemCount: number }[] }>();
      const mine = queue.items.filter((i) => i.caseItemCount === 3);
      expect(mine.map((i) => [i.kind, i.position, i.caseItemCount])).toEqual([
        ['url', 1, 3],
        ['url', 2, 3],
        ['photo', 3, 3],
      ]);
      const claimed = (await inject(as(analyst, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { position: number; caseItemCount: number } }>();
      expect(claimed.item).toMatchObject({ position: 1, caseItemCount: 3 });
      // The photo comes third; only its holder may reveal it.
      for (let held = claimed.item.position; held < 3; ) held = (await inject(as(analyst, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { position: number } }>().item.position;

      const reveal = await inject(as(analyst, { method: 'POST', url: `/api/console/items/${photoId}/reveal` }));
      expect(reveal.statusCode).toBe(200);
      expect(reveal.headers['content-type']).toBe('application/octet-stream');
      expect(reveal.headers['x-media-type']).toBe('image/png');
      expect(reveal.rawPayload.equals(png)).toBe(true);
      expect((await inject(as(analyst, { method: 'GET', url: '/api/console/me' }))).json()).toMatchObject({ settings: { revealsToday: 1 } });
    });

    it("lists bank entries near an item's hashes, nearest first, with nothing of another case but sameCase", async () => {
      const photo = randomPdq();
      const first = await openCase();
      const [firstItem] = await addItems(first, [{ type: 'photo', pdq: photo, quality: 100 }]);
      const second = await openCase();
      const nearer = flipBits(photo, 6);
      const [secondItem, sameCaseItem] = await addItems(second, [
        { type: 'photo', pdq: flipBits(photo, 12), quality: 100 },
        { type: 'photo', pdq: nearer, quality: 100 },
        { type: 'photo', pdq: randomPdq(), quality: 100 }, // far from everything
      ]);
      // An analyst accepted the first case's photo.
      await server().database.db.update(caseItems).set({ decision: 'ncii_adult', decidedAt: new Date() }).where(eq(caseItems.id, firstItem!));
      await server().bankIndex.refresh();

      const { case: secondCase, matches } = await detail(secondItem!);
      // The first case's photo at 12 bits, and this case's other photo at 12 − 6 = 6 bits: nearest first.
      expect(matches).toEqual([
        { signalType: 'pdq', distance: 6, frames: null, verified: false, status: 'active', sameCase: true, decision: null },
        { signalType: 'pdq', distance: 12, frames: null, verified: false, status: 'active', sameCase: false, decision: 'ncii_adult' },
      ]);
      const firstCase = (await detail(firstItem!)).case;
      const body = JSON.stringify(matches);
      for (const secret of [firstCase.id, firstItem!, photo, nearer]) expect(body).not.toContain(secret);
      // And the other way round: the first case's photo sees the second case's two, neither in its own case.
      expect((await detail(firstItem!)).matches.map((m) => [m.distance, m.sameCase])).toEqual([
        [6, false],
        [12, false],
      ]);
      expect((await detail(sameCaseItem!)).matches.map((m) => m.distance)).toEqual([6, 6]);
      expect(secondCase.id).not.toBe(firstCase.id);
    });

    it('shows a re-encoded copy (another MD5) and a clip of a banked video by their frames, and not a video that shares two frames', async () => {
      const frames = Array.from({ length: 10 }, (_, i) => ({ frame: i * 30, quality: 100, pdq: randomPdq(), timestamp: i }));
      const randomMd5 = () => randomPdq().slice(0, 32);
      const first = await openCase();
      const [original] = await addItems(first, [{ type: 'video', md5: randomMd5(), vpdq: frames }]);
      const second = await openCase();
      const [reencoded, clip, unrelated] = await addItems(second, [
        // Every frame a few bits off, as a re-encode leaves them.
        { type: 'video', md5: randomMd5(), vpdq: frames.map((f) => ({ ...f, pdq: flipBits(f.pdq, 5) })) },
        // The first half: all of the clip is in the banked video, half of the banked video is in the clip.
        { type: 'video', md5: randomMd5(), vpdq: frames.slice(0, 5) },
        // Two frames in common and eight others: too little to say it is the same video.
        { type: 'video', md5: randomMd5(), vpdq: frames.map((f, i) => (i < 2 ? f : { ...f, pdq: randomPdq() })) },
      ]);
      await server().bankIndex.refresh();
      const video = (item: number, bank: number, sameCase: boolean) => ({ signalType: 'vpdq', distance: null, frames: { item, bank }, verified: false, status: 'active', sameCase, decision: null });

      // The most alike first: the whole copy, then the clip.
      expect((await detail(reencoded!)).matches).toEqual([video(100, 100, false), video(50, 100, true)]);
      expect((await detail(original!)).matches).toEqual([video(100, 100, false), video(50, 100, false)]);
      expect((await detail(clip!)).matches).toEqual([video(100, 50, false), video(100, 50, true)]);
      expect((await detail(unrelated!)).matches).toEqual([]);
      // Fingerprints only: the file never left the victim's device.
      expect((await detail(clip!)).item.media).toBe('never_sent');
    });

    it('the audit log, newest first, a page at a time, with staff e-mails and an action filter; bad queries are 400', async () => {
      const me = (await inject(as(admin, { method: 'GET', url: '/api/console/me' }))).json<{ user: { email: string } }>();
      const first = await auditPage('?limit=3');
      expect(first.entries).toHaveLength(3);
      expect(first.entries.map((e) => e.id)).toEqual([...first.entries.map((e) => e.id)].sort((a, b) => b - a));
      const second = await auditPage(`?limit=3&before=${first.nextBefore}`);
      expect(second.entries[0]!.id).toBeLessThan(first.entries[2]!.id);
      expect(first.nextBefore).toBe(first.entries[2]!.id);

      await inject(as(admin, { method: 'PUT', url: '/api/console/helplines', payload: { helplines: [{ name: 'Audited line', phone: '0800 000 000' }] } }));
      const filtered = await auditPage('?action=helplines.update');
      expect(filtered.entries.length).toBeGreaterThanOrEqual(1);
      expect(filtered.entries.every((e) => e.action === 'helplines.update')).toBe(true);
      expect(filtered.entries[0]).toMatchObject({ actor: `user:${admin.userId}`, actorEmail: me.user.email, subject: 'setting:helplines', detail: { count: 1 } });
      expect(JSON.stringify(filtered.entries[0])).not.toContain('0800');
      // Non-user actors have no e-mail.
      const system = (await auditPage('?limit=200')).entries.find((e) => !e.actor.startsWith('user:'));
      expect(system?.actorEmail ?? null).toBeNull();
      // The last page says so.
      const oldest = await auditPage('?limit=200&before=3');
      expect(oldest.entries.map((e) => e.id)).toEqual([2, 1]);
      expect(oldest.nextBefore).toBeNull();

      for (const query of ['?limit=0', '?limit=201', '?limit=abc', '?before=0', '?before=x', '?action=', '?action=Not%20An%20Action', `?action=${'a'.repeat(101)}`]) {
        const response = await inject(as(admin, { method: 'GET', url: `/api/console/audit${query}` }));
        expect([query, response.statusCode]).toEqual([query, 400]);
      }
    });

    it('verifies the chain, and names the first entry a direct edit of the table broke', async () => {
      const intact = await inject(as(admin, { method: 'GET', url: '/api/console/audit/verify' }));
      expect(intact.statusCode).toBe(200);
      const ok = intact.json<{ ok: boolean; entries: number; firstBrokenId: number | null; checkedAt: string }>();
      expect(ok).toMatchObject({ ok: true, firstBrokenId: null });
      expect(ok.entries).toBeGreaterThan(5);
      expect(Date.parse(ok.checkedAt)).not.toBeNaN();

      const db = server().database.db;
      const [victimRow] = await db.select().from(auditLog).where(eq(auditLog.id, 5));
      const tamper = async (detail: Record<string, string | number | boolean | null>) => {
        await db.execute(sql`alter table audit_log disable trigger user`);
        try {
          await db.update(auditLog).set({ detail }).where(eq(auditLog.id, 5));
        } finally {
          await db.execute(sql`alter table audit_log enable trigger user`);
        }
      };
      await tamper({ ...victimRow!.detail, edited: true });
      try {
        const broken = (await inject(as(admin, { method: 'GET', url: '/api/console/audit/verify' }))).json<unknown>();
        expect(broken).toMatchObject({ ok: false, entries: 4, firstBrokenId: 5 });
      } finally {
        await tamper(victimRow!.detail);
      }
      expect((await inject(as(admin, { method: 'GET', url: '/api/console/audit/verify' }))).json()).toMatchObject({ ok: true });
    });

    it("helplines: the configuration's until an admin saves a list, then the console's, in the portal at once", async () => {
      const portal = async () => (await inject({ method: 'GET', url: '/api/portal/config' })).json<{ helplines: unknown[] }>().helplines;
      // (The audit test above saved one line; start again from what the portal shows now.)
      const lines = [
        { name: 'Line for minors', phone: '+33 1 23 45 67 89', url: 'https://minors.example/help', minors: true, text: { fr: 'Pour les mineurs', en: 'For minors' } },
        { name: 'Line for adults', url: 'https://adults.example/' },
      ];
      const saved = await inject(as(admin, { method: 'PUT', url: '/api/console/helplines', payload: { helplines: lines } }));
      expect(saved.statusCode).toBe(200);
      expect(saved.json()).toEqual({ helplines: lines, source: 'console' });
      expect(await portal()).toEqual(lines);
      expect((await inject(as(admin, { method: 'GET', url: '/api/console/helplines' }))).json()).toEqual({ helplines: lines, source: 'console' });
      // An empty list is a choice too: the portal then shows none.
      expect((await inject(as(admin, { method: 'PUT', url: '/api/console/helplines', payload: { helplines: [] } }))).statusCode).toBe(200);
      expect(await portal()).toEqual([]);

      const tooMany = Array.from({ length: 21 }, (_, i) => ({ name: `Line ${i}` }));
      for (const body of [
        { helplines: tooMany },
        { helplines: [{ name: 'Plain http', url: 'http://line.example/' }] },
        { helplines: [{ name: 'Script', url: 'javascript:alert(1)' }] },
        { helplines: [{ name: '' }] },
        { helplines: [{ phone: '3018' }] },
        { helplines: [{ name: 'Bad phone', phone: 'call me' }] },
        { helplines: [{ name: 'Extra', colour: 'red' }] },
        { helplines: [{ name: 'Text', text: { de: 'Hilfe' } }] },
        { helplines: 'not a list' },
        { helplines: [], extra: true },
        {},
      ]) {
        const response = await inject(as(admin, { method: 'PUT', url: '/api/console/helplines', payload: body }));
        expect([JSON.stringify(body).slice(0, 60), response.statusCode]).toEqual([JSON.stringify(body).slice(0, 60), 400]);
      }
      expect(await portal()).toEqual([]);
      await inject(as(admin, { method: 'PUT', url: '/api/console/helplines', payload: { helplines: DEFAULT_HELPLINES } }));
      expect(await portal()).toEqual(JSON.parse(JSON.stringify(DEFAULT_HELPLINES)));
      expect((await inject(as(supervisor, { method: 'GET', url: '/api/console/helplines' }))).statusCode).toBe(404);
    });

    it('weekly statistics: every week of the period from its Monday, zeros included, oldest first', async () => {
      const now = new Date();
      const from = new Date(now.getTime() - 20 * 86_400_000).toISOString();
      const to = new Date(now.getTime() + 3_600_000).toISOString();
      const response = await inject(as(supervisor, { method: 'GET', url: `/api/console/stats?from=${from}&to=${to}` }));
      expect(response.statusCode).toBe(200);
      const stats = response.json<{ reports: { total: number }; items: { byKind: Record<string, number> }; weekly: { weekStart: string; reports: number; items: number; decided: number; accepted: number; removed: number }[] }>();
      expect(stats.weekly.length).toBeGreaterThanOrEqual(3);
      expect(stats.weekly.length).toBeLessThanOrEqual(4);
      for (const [i, week] of stats.weekly.entries()) {
        expect(new Date(`${week.weekStart}T00:00:00Z`).getUTCDay()).toBe(1);
        if (i > 0) expect(Date.parse(week.weekStart) - Date.parse(stats.weekly[i - 1]!.weekStart)).toBe(7 * 86_400_000);
      }
      expect(stats.weekly[0]).toMatchObject({ reports: 0, items: 0, decided: 0, accepted: 0, removed: 0 });
      expect(stats.weekly.reduce((n, w) => n + w.reports, 0)).toBe(stats.reports.total);
      expect(stats.weekly.reduce((n, w) => n + w.items, 0)).toBe(Object.values(stats.items.byKind).reduce((a, b) => a + b, 0));
      expect(stats.weekly.reduce((n, w) => n + w.accepted, 0)).toBeGreaterThanOrEqual(1);
      for (const query of ['?from=2020-01-01T00:00:00Z&to=2035-01-01T00:00:00Z', '?from=yesterday', '?to=2026-01-01T00:00:00Z&from=2026-02-01T00:00:00Z']) {
        expect((await inject(as(supervisor, { method: 'GET', url: `/api/console/stats${query}` }))).statusCode).toBe(400);
      }
    });

    it('exports the statistics as CSV: one figure a row, names quoted and never formulas, the export audited', async () => {
      // A host whose directory name is hostile to spreadsheets, with a URL notified and removed.
      const name = '=1+1, "Evil" Host';
      expect((await inject(as(supervisor, { method: 'POST', url: '/api/console/hosts', payload: { domain: 'csv-host.example', name } }))).statusCode).toBe(201);
      const token = await openCase();
      const [itemId] = await addItems(token, [{ type: 'url', url: 'https://csv-host.example/page' }]);
      const notifiedAt = new Date(Date.now() - 5.5 * 3_600_000);
      await server().database.db.update(caseItems).set({ notifiedAt, removedAt: new Date(notifiedAt.getTime() + 5.5 * 3_600_000) }).where(eq(caseItems.id, itemId!));

      const from = '2026-01-01T00:00:00.000Z';
      const to = new Date(Date.now() + 3_600_000).toISOString();
      const response = await inject(as(supervisor, { method: 'GET', url: `/api/console/stats.csv?from=${from}&to=${to}` }));
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="disrupt-stats-2026-01-01-${to.slice(0, 10)}.csv"`);
      const lines = response.body.split('\r\n');
      expect(lines[0]).toBe('section,key,subkey,value');
      expect(lines.at(-1)).toBe('');
      expect(lines).toContain(`period,from,,${from}`);
      expect(lines).toContain('removals_by_host,"\'=1+1, ""Evil"" Host",notified,1');
      expect(lines).toContain('removals_by_host,"\'=1+1, ""Evil"" Host",median_hours,5.5');
      expect(lines.filter((l) => l.startsWith('weekly,')).length % 5).toBe(0);
      expect(lines.some((l) => /^weekly,\d{4}-\d{2}-\d{2},reports,\d+$/.test(l))).toBe(true);
      expect(lines.some((l) => l.startsWith('decisions,ncii_adult,,'))).toBe(true);
      // No cell starts a formula, and every row has four cells.
      for (const line of lines.slice(1, -1)) {
        expect(line.split(',')[0]).toMatch(/^[a-z_]+$/);
        expect(line).not.toMatch(/(^|,)[=+\-@]/);
      }
      const exported = (await auditPage('?action=stats.export')).entries[0];
      expect(exported).toMatchObject({ actor: `user:${supervisor.userId}`, detail: { from, to } });
      expect((await inject(as(analyst, { method: 'GET', url: '/api/console/stats.csv' }))).statusCode).toBe(404);
      expect((await inject(as(supervisor, { method: 'GET', url: '/api/console/stats.csv?from=nope' }))).statusCode).toBe(400);
    });

    it('documents every new route, with its summary, in the OpenAPI document', async () => {
      const doc = (await inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { summary?: string }>> }>();
      for (const [path, method] of [
        ['/api/console/audit', 'get'],
        ['/api/console/audit/verify', 'get'],
        ['/api/console/helplines', 'get'],
        ['/api/console/helplines', 'put'],
        ['/api/console/stats.csv', 'get'],
        ['/api/console/partners/{id}/webhooks', 'post'],
        ['/api/console/partners/{id}/webhooks/{webhookId}/deliveries', 'get'],
      ] as const) {
        expect([path, method, doc.paths[path]?.[method]?.summary]).toEqual([path, method, expect.any(String) as unknown]);
      }
    });
  },
  { env: { DISRUPT_BREAK_AFTER_REVEALS: '7', DISRUPT_BREAK_AFTER_MINUTES: '45' } },
);
