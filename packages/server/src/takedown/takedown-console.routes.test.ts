// The takedown lists over HTTP on both back ends: URLs across cases by state
// (awaiting a notice, notified, removed) with their directory entry, last
// check and notices, paged by cursor; a case's URLs; escalations across cases.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ConsoleLogin, as, consoleUser } from '../../test/console.ts';
import { startContentHost } from '../../test/fixtures.ts';
import { describeServer } from '../../test/server.ts';

const host = await startContentHost('media.lists.example');
afterAll(() => host.close());

interface Tracked {
  id: string;
  caseId: string;
  position: number;
  url: string;
  host: string | null;
  hostEntry: { name: string; domain: string; hasAddress: boolean } | null;
  status: string;
  decision: string | null;
  minor: boolean;
  notifiedAt: string | null;
  removedAt: string | null;
  lastCheck: { outcome: string; httpStatus: number | null } | null;
  noticeCount: number;
  pendingNotices: number;
}
interface ByState {
  items: Tracked[];
  nextAfter: string | null;
  counts: { awaiting: number; notified: number; removed: number };
}

describeServer(
  'takedown lists',
  ({ server }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);
    let analyst: ConsoleLogin;
    let supervisor: ConsoleLogin;
    const list = async (query: string) => {
      const response = await inject(as(analyst, { method: 'GET', url: `/api/console/takedowns?${query}` }));
      expect(response.statusCode, query).toBe(200);
      return response.json<ByState>();
    };
    /** Every page of a state, following the cursor a page at a time. */
    const all = async (state: string, limit: number) => {
      const seen: Tracked[] = [];
      let after: string | null = null;
      do {
        const page: ByState = await list(`state=${state}&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        after = page.nextAfter;
      } while (after !== null);
      return seen;
    };

    async function report(ageGroup: 'adult' | 'minor' | 'unsure', urls: string[]): Promise<{ caseId: string; ids: string[] }> {
      const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `l-${Math.random()}` }, payload: { situation: 'online', ageGroup, aiGenerated: 'no', language: 'fr' } });
      const token = opened.json<{ token: string }>().token;
      const added = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${token}` }, payload: { items: urls.map((url) => ({ type: 'url', url })) } });
      const ids = added.json<{ results: { itemId: string }[] }>().results.map((r) => r.itemId);
      const caseId = (await inject(as(analyst, { method: 'GET', url: `/api/console/items/${ids[0]}` }))).json<{ case: { id: string } }>().case.id;
      return { caseId, ids };
    }

    /** Claims and decides everything in the queue as `decisions` says. */
    async function decideAll(decisions: Map<string, string>): Promise<void> {
      for (;;) {
        const next = (await inject(as(analyst, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { itemId: string } | null }>().item;
        if (!next) return;
        const decision = decisions.get(next.itemId);
        if (!decision) throw new Error('an item this test did not make');
        expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${next.itemId}/decision`, payload: { decision } }))).statusCode).toBe(204);
      }
    }

    let adult: { caseId: string; ids: string[] };
    let minor: { caseId: string; ids: string[] };

    beforeAll(async () => {
      analyst = await consoleUser(server(), 'analyst');
      supervisor = await consoleUser(server(), 'supervisor');
      // The directory knows the parent domain (no address) and, more precisely, the media subdomain (with one).
      expect((await inject(as(supervisor, { method: 'POST', url: '/api/console/hosts', payload: { domain: 'lists.example', name: 'Lists', language: 'fr' } }))).statusCode).toBe(201);
      expect(
        (await inject(as(supervisor, { method: 'POST', url: '/api/console/hosts', payload: { domain: 'media.lists.example', name: 'Lists Media', abuseEmail: 'abuse@lists.example' } }))).statusCode,
      ).toBe(201);
      adult = await report('adult', [`${host.origin}/a/1`, `${host.origin}/a/2`, `${host.origin}/a/3`, 'https://www.lists.example/a/4', 'https://unknown.example/a/5']);
      minor = await report('minor', ['https://www.lists.example/m/1']);
      const decisions = new Map<string, string>([
        [adult.ids[0]!, 'ncii_adult'],
        [adult.ids[1]!, 'ncii_adult'],
        [adult.ids[2]!, 'ncii_adult'],
        [adult.ids[3]!, 'duplicate'],
        [adult.ids[4]!, 'not_intimate'],
        [minor.ids[0]!, 'ncii_minor'],
      ]);
      await decideAll(decisions);
    });

    it('lists accepted URLs awaiting a notice, with their directory entry, and pages them by cursor', async () => {
      const first = await list('state=awaiting');
      expect(first.counts).toEqual({ awaiting: 5, notified: 0, removed: 0 });
      expect(first.items.map((i) => i.id).sort()).toEqual([...adult.ids.slice(0, 4), minor.ids[0]!].sort());
      const a1 = first.items.find((i) => i.id === adult.ids[0])!;
      expect(a1).toMatchObject({ caseId: adult.caseId, position: 1, url: `${host.origin}/a/1`, host: 'media.lists.example', decision: 'ncii_adult', minor: false, noticeCount: 0, lastCheck: null });
      expect(a1.hostEntry).toEqual({ id: expect.any(String) as string, name: 'Lists Media', domain: 'media.lists.example', hasAddress: true });
      expect(first.items.find((i) => i.id === adult.ids[3])!.hostEntry).toMatchObject({ name: 'Lists', hasAddress: false });
      expect(first.items.find((i) => i.id === minor.ids[0])!).toMatchObject({ minor: true });
      // Page by page, nothing repeats and nothing is missed.
      const paged = await all('awaiting', 2);
      expect(paged.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
      expect((await inject(as(analyst, { method: 'GET', url: '/api/console/takedowns?state=awaiting&after=nonsense' }))).statusCode).toBe(400);
      expect((await inject(as(analyst, { method: 'GET', url: '/api/console/takedowns?state=everything' }))).statusCode).toBe(400);
    });

    it('moves a URL to notified when its notice goes out, shows its checks, and to removed when it is gone', async () => {
      const [a1, a2, a3] = adult.ids as [string, string, string];
      // a1: a notice in the outbox is no longer awaiting, nor notified until downloaded.
      const notice = (await inject(as(analyst, { method: 'POST', url: `/api/console/items/${a1}/notices`, payload: {} }))).json<{ id: string }>();
      const awaiting = await list('state=awaiting');
      expect(awaiting.items.map((i) => i.id)).not.toContain(a1);
      expect(awaiting.counts).toEqual({ awaiting: 4, notified: 0, removed: 0 });
      expect((await inject(as(analyst, { method: 'POST', url: `/api/console/notices/${notice.id}/download` }))).statusCode).toBe(200);
      // a2 and a3 too; a3 is then found gone, a2 still online.
      for (const id of [a2, a3]) {
        const created = (await inject(as(analyst, { method: 'POST', url: `/api/console/items/${id}/notices`, payload: { language: 'en' } }))).json<{ id: string }>();
        await inject(as(analyst, { method: 'POST', url: `/api/console/notices/${created.id}/download` }));
      }
      expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${a2}/check` }))).json()).toMatchObject({ outcome: 'online' });
      host.setStatus('/a/3', 410);
      expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${a3}/check` }))).json()).toMatchObject({ outcome: 'removed' });

      const notified = await list('state=notified');
      expect(notified.counts).toEqual({ awaiting: 2, notified: 2, removed: 1 });
      // Longest waiting first.
      expect(notified.items.map((i) => i.id)).toEqual([a1, a2]);
      expect(notified.items[0]).toMatchObject({ status: 'notified', noticeCount: 1, pendingNotices: 0, lastCheck: null });
      expect(notified.items[0]!.notifiedAt).not.toBeNull();
      expect(notified.items[1]).toMatchObject({ lastCheck: { outcome: 'online', httpStatus: 200 } });
      const removed = await list('state=removed');
      expect(removed.items).toMatchObject([{ id: a3, status: 'removed', lastCheck: { outcome: 'removed', httpStatus: 410 } }]);
      expect(Date.parse(removed.items[0]!.removedAt!)).toBeGreaterThanOrEqual(Date.parse(removed.items[0]!.notifiedAt!));
      // Confirmed gone by an analyst: most recent removal first.
      expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${a1}/removed` }))).statusCode).toBe(204);
      expect((await all('removed', 1)).map((i) => i.id)).toEqual([a1, a3]);
    });

    it("lists a case's URLs by position, whatever their decision, and says whether it is about a minor", async () => {
      const response = await inject(as(analyst, { method: 'GET', url: `/api/console/cases/${adult.caseId}/takedowns?limit=2` }));
      expect(response.statusCode).toBe(200);
      const page = response.json<{ case: { id: string; aboutMinor: boolean; urlCount: number }; items: Tracked[]; nextAfter: number | null }>();
      expect(page.case).toEqual({ id: adult.caseId, ageGroup: 'adult', aboutMinor: false, urlCount: 5 });
      expect(page.items.map((i) => i.position)).toEqual([1, 2]);
      expect(page.nextAfter).toBe(2);
      const rest = (await inject(as(analyst, { method: 'GET', url: `/api/console/cases/${adult.caseId}/takedowns?after=2` }))).json<{ items: Tracked[]; nextAfter: number | null }>();
      expect(rest.items.map((i) => [i.position, i.decision])).toEqual([
        [3, 'ncii_adult'],
        [4, 'duplicate'],
        [5, 'not_intimate'],
      ]);
      expect(rest.nextAfter).toBeNull();
      expect(rest.items[2]!.hostEntry).toBeNull();
      const minorCase = (await inject(as(analyst, { method: 'GET', url: `/api/console/cases/${minor.caseId}/takedowns` }))).json<{ case: { aboutMinor: boolean } }>();
      expect(minorCase.case.aboutMinor).toBe(true);
      expect((await inject(as(analyst, { method: 'GET', url: `/api/console/cases/${crypto.randomUUID()}/takedowns` }))).statusCode).toBe(404);
    });

    it('lists escalations across cases, newest first, a page at a time', async () => {
      expect((await inject(as(analyst, { method: 'GET', url: '/api/console/escalations' }))).json()).toEqual({ escalations: [], nextAfter: null });
      const references: string[] = [];
      for (const authority of ['pharos', 'police']) {
        const created = await inject(as(analyst, { method: 'POST', url: `/api/console/cases/${minor.caseId}/escalations`, payload: { authority } }));
        expect(created.statusCode).toBe(201);
        references.push(created.json<{ escalation: { reference: string } }>().escalation.reference);
      }
      const first = (await inject(as(supervisor, { method: 'GET', url: '/api/console/escalations?limit=1' }))).json<{ escalations: { reference: string; authority: string; caseId: string }[]; nextAfter: string | null }>();
      expect(first.escalations).toMatchObject([{ reference: references[1], authority: 'police', caseId: minor.caseId }]);
      const second = (await inject(as(supervisor, { method: 'GET', url: `/api/console/escalations?limit=1&after=${encodeURIComponent(first.nextAfter!)}` }))).json<{
        escalations: { reference: string }[];
        nextAfter: string | null;
      }>();
      expect(second.escalations.map((e) => e.reference)).toEqual([references[0]]);
      expect(second.nextAfter).toBeNull();
    });

    it('lists the cases about a minor that nobody has escalated yet, the oldest first, until they are', async () => {
      const awaiting = async () => {
        const response = await inject(as(analyst, { method: 'GET', url: '/api/console/escalations/awaiting' }));
        expect(response.statusCode).toBe(200);
        return response.json<{ cases: { caseId: string; ageGroup: string; items: number; urls: number; minorDecisions: number }[]; total: number }>();
      };
      // The minor's case of this file is escalated already.
      expect(await awaiting()).toEqual({ cases: [], total: 0 });

      const reported = await report('minor', ['https://www.lists.example/m/2']);
      const decided = await report('adult', ['https://www.lists.example/d/1', 'https://www.lists.example/d/2']);
      const unsure = await report('unsure', ['https://www.lists.example/u/1']);
      const rejected = await report('minor', ['https://www.lists.example/r/1']);
      await decideAll(
        new Map([
          [reported.ids[0]!, 'ncii_minor'],
          [decided.ids[0]!, 'ncii_minor'], // an adult's report, but an analyst saw a minor
          [decided.ids[1]!, 'not_intimate'],
          [unsure.ids[0]!, 'ncii_adult'], // not sure, and the analyst found an adult
          [rejected.ids[0]!, 'not_intimate'], // nothing left to escalate
        ]),
      );
      expect(await awaiting()).toEqual({
        cases: [
          { caseId: reported.caseId, ageGroup: 'minor', reportedAt: expect.any(String) as string, items: 1, urls: 1, minorDecisions: 1 },
          { caseId: decided.caseId, ageGroup: 'adult', reportedAt: expect.any(String) as string, items: 1, urls: 1, minorDecisions: 1 },
        ],
        total: 2,
      });
      expect((await inject(as(analyst, { method: 'GET', url: '/api/console/escalations/awaiting?limit=1' }))).json()).toMatchObject({ cases: [{ caseId: reported.caseId }], total: 2 });

      expect((await inject(as(analyst, { method: 'POST', url: `/api/console/cases/${reported.caseId}/escalations`, payload: { authority: 'pharos' } }))).statusCode).toBe(201);
      expect((await awaiting()).cases.map((c) => c.caseId)).toEqual([decided.caseId]);
    });
  },
  { env: { DISRUPT_FETCH_ALLOW: '127.0.0.1' }, start: { urlResolver: host.resolve } },
);
