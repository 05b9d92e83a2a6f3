// The native partner API over HTTP, on both back ends: keys, scopes,
// rotation and revocation, rate limits, the feed (pages and NDJSON), match
// (hashes and media), feedback rolling up into the bank, the victim's item
// and the statistics, disputes, the negative bank, and the audit of every call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { PDQ_DIR } from '../../../../test/reference.ts';
import { as, consoleUser } from '../../test/console.ts';
import { createPartner, flipBits, randomMd5, randomPdq, withKey } from '../../test/partners.ts';
import { describeServer, multipart } from '../../test/server.ts';
import { verifyAudit } from '../audit/audit.ts';
import { importLines } from '../bank/bank-admin.ts';

const jpeg = readFileSync(join(PDQ_DIR, 'data/bridge-mods/aaa-orig.jpg'));

interface Record_ {
  seq: number;
  signalType: string;
  value: string;
  verified: boolean;
  reviewBeforeAction: boolean;
  status: string;
  cases: { ref: string; status: string }[];
  feedback: { pendingReview: number; blocked: number; notBlocked: number };
}

describeServer('partner API', ({ server, logs }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  const hashesSeen: string[] = [];

  async function victimCase(items: unknown[]) {
    const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `p-${Math.random()}` }, payload: { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' } });
    const { token } = opened.json<{ token: string }>();
    if (items.length === 0) return token;
    const added = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${token}` }, payload: { items } });
    expect(added.statusCode).toBe(200);
    return token;
  }

  async function feedAll(key: string, cursor = 0): Promise<Record_[]> {
    const all: Record_[] = [];
    for (;;) {
      const page = await inject(withKey(key, { method: 'GET', url: `/api/partner/v1/feed?cursor=${cursor}&limit=2` }));
      expect(page.statusCode).toBe(200);
      const body = page.json<{ records: Record_[]; nextCursor: number; hasMore: boolean }>();
      all.push(...body.records);
      cursor = body.nextCursor;
      if (!body.hasMore) return all;
    }
  }

  it('refuses missing, malformed, unknown and revoked keys, and keys without the scope', async () => {
    const partner = await createPartner(server(), { scopes: ['feed:read'] });
    expect(partner.apiKey).toMatch(/^dpk_[0-9a-f]{12}_/);
    const me = await inject(withKey(partner.apiKey, { method: 'GET', url: '/api/partner/v1/me' }));
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ name: partner.name, scopes: ['feed:read'] });

    expect((await inject({ method: 'GET', url: '/api/partner/v1/feed' })).statusCode).toBe(401);
    expect((await inject(withKey('nonsense', { method: 'GET', url: '/api/partner/v1/feed' }))).statusCode).toBe(401);
    const forged = partner.apiKey.slice(0, -4) + 'AAAA';
    expect((await inject(withKey(forged, { method: 'GET', url: '/api/partner/v1/feed' }))).statusCode).toBe(401);
    // A StopNCII key is not a native key.
    expect((await inject(withKey(partner.stopncii.subscriptionKey, { method: 'GET', url: '/api/partner/v1/feed' }))).statusCode).toBe(401);
    const noScope = await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/match', payload: { hashes: [{ signalType: 'md5', value: randomMd5() }] } }));
    expect(noScope.statusCode).toBe(403);
    expect(noScope.json()).toMatchObject({ error: { code: 'not_permitted' } });

    // Rotation: new keys work, the old ones stop at once; revocation: nothing works.
    const rotated = await server().partners.rotate(partner.name, 'system');
    if (typeof rotated === 'string') throw new Error(rotated);
    expect((await inject(withKey(partner.apiKey, { method: 'GET', url: '/api/partner/v1/me' }))).statusCode).toBe(401);
    expect((await inject(withKey(rotated.apiKey, { method: 'GET', url: '/api/partner/v1/me' }))).json()).toMatchObject({ scopes: ['feed:read'] });
    expect(await server().partners.revoke(partner.name, 'system')).toBe('revoked');
    const revoked = await inject(withKey(rotated.apiKey, { method: 'GET', url: '/api/partner/v1/me' }));
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('limits each key\'s rate with 429 and Retry-After', async () => {
    const partner = await createPartner(server(), { rateLimitPerMinute: 3 });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await inject(withKey(partner.apiKey, { method: 'GET', url: '/api/partner/v1/me' }));
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(last?.json()).toMatchObject({ error: { code: 'too_many_requests' } });
  });

  it('feeds the bank in change order with tombstones, case references and verified flags, in pages and as NDJSON', async () => {
    const partner = await createPartner(server());
    const start = (await inject(withKey(partner.apiKey, { method: 'GET', url: '/api/partner/v1/feed?cursor=0&limit=5000' }))).json<{ nextCursor: number }>().nextCursor;
    const [a, b] = [randomPdq(), randomPdq()];
    const md5 = randomMd5();
    hashesSeen.push(a, b, md5);
    await victimCase([{ type: 'photo', pdq: a, quality: 90 }, { type: 'photo', pdq: b, quality: 80, md5 }]);
    await importLines(server().database, [JSON.stringify({ signalType: 'pdq', value: randomPdq(), quality: 100, verified: true })]);

    const records = await feedAll(partner.apiKey, start);
    expect(records.map((r) => r.signalType)).toEqual(['pdq', 'pdq', 'md5', 'pdq']);
    const first = records.find((r) => r.value === a)!;
    expect(first).toMatchObject({ verified: false, reviewBeforeAction: true, status: 'active', feedback: { pendingReview: 0, blocked: 0, notBlocked: 0 } });
    expect(first.cases).toHaveLength(1);
    expect(first.cases[0]!.ref).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.cases[0]!.status).toBe('received');
    expect(records.at(-1)).toMatchObject({ verified: true, reviewBeforeAction: false, cases: [] });
    const seqs = records.map((r) => r.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);

    // A bad cursor or limit is a clear 400.
    expect((await inject(withKey(partner.apiKey, { method: 'GET', url: '/api/partner/v1/feed?cursor=-1' }))).statusCode).toBe(400);
    expect((await inject(withKey(partner.apiKey, { method: 'GET', url: '/api/partner/v1/feed?limit=100000' }))).statusCode).toBe(400);

    const full = await inject(withKey(partner.apiKey, { method: 'GET', url: `/api/partner/v1/feed/full?cursor=${start}` }));
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toContain('application/x-ndjson');
    const lines = full.body.trim().split('\n').map((l) => JSON.parse(l) as Record_);
    // The NDJSON lines (written by the database) are the very records the paged feed gives.
    expect(lines).toEqual(records);
  });

  it('matches batches of hashes with distances, status and verified flag, and refuses oversize and malformed batches', async () => {
    const partner = await createPartner(server(), { scopes: ['match'] });
    const pdq = randomPdq();
    const md5 = randomMd5();
    hashesSeen.push(pdq, md5);
    await victimCase([{ type: 'photo', pdq, quality: 95, md5 }]);
    await server().bankIndex.refresh();
    const response = await inject(
      withKey(partner.apiKey, {
        method: 'POST',
        url: '/api/partner/v1/match',
        payload: {
          hashes: [
            { signalType: 'pdq', value: flipBits(pdq, 10) },
            { signalType: 'pdq', value: flipBits(pdq, 40) },
            { signalType: 'md5', value: md5.toUpperCase() },
            { signalType: 'pdq', value: 'zz' },
            { signalType: 'pdq', value: pdq, quality: 10 },
          ],
        },
      }),
    );
    expect(response.statusCode).toBe(200);
    const { results } = response.json<{ results: { ok: boolean; matches?: { distance: number; status: string; verified: boolean; value: string }[]; reason?: string }[] }>();
    expect(results[0]).toMatchObject({ ok: true, matches: [{ value: pdq, distance: 10, status: 'active', verified: false, reviewBeforeAction: true }] });
    expect(results[1]).toMatchObject({ ok: true, matches: [] });
    expect(results[2]).toMatchObject({ ok: true, matches: [{ value: md5, distance: 0 }] });
    expect(results[3]).toMatchObject({ ok: false, reason: 'malformed_hash' });
    expect(results[4]).toMatchObject({ ok: false, reason: 'low_quality' });
    expect(JSON.stringify(results)).not.toMatch(/case/i);

    const oversize = await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/match', payload: { hashes: Array.from({ length: 1001 }, () => ({ signalType: 'md5', value: randomMd5() })) } }));
    expect(oversize.statusCode).toBe(413);
    const malformed = await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/match', payload: { hashes: [{ signalType: 'sha1', value: 'x' }] } }));
    expect(malformed.statusCode).toBe(400);
    const notJson = await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/match', headers: { 'content-type': 'application/json' }, payload: '{"hashes": [' }));
    expect(notJson.statusCode).toBe(400);
    const empty = await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/match', payload: { hashes: [] } }));
    expect(empty.statusCode).toBe(400);
  });

  it('matches a media file hashed by the server, rotations included', async () => {
    const partner = await createPartner(server(), { scopes: ['match'] });
    const post = (bytes: Uint8Array) => inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/match/media', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(bytes) }));
    const before = await post(jpeg);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ kind: 'photo', matches: [] });
    // The victim sends the photo; the server fingerprints it into the bank.
    const token = await victimCase([]);
    const upload = await inject({ method: 'POST', url: '/api/victim/case/media', headers: { authorization: `Bearer ${token}`, ...multipart(jpeg).headers }, payload: multipart(jpeg).payload });
    expect(upload.statusCode).toBe(201);
    await server().bankIndex.refresh();
    const after = (await post(jpeg)).json<{ matches: { signalType: string; distance: number }[] }>();
    expect(after.matches.map((m) => [m.signalType, m.distance]).sort()).toEqual([['md5', 0], ['pdq', 0]]);
    expect((await post(new TextEncoder().encode('not an image at all'))).statusCode).toBe(415);
    expect((await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/match/media', payload: { hashes: [] } }))).statusCode).toBe(400);
  });

  it('rolls feedback up into the bank record, the victim\'s item history and the statistics; replays count once', async () => {
    const blocker = await createPartner(server(), { name: 'Blocker One' });
    const pdq = randomPdq();
    hashesSeen.push(pdq);
    const token = await victimCase([{ type: 'photo', pdq, quality: 90 }]);
    const unknown = randomMd5();
    const send = (key: string, feedback: string, headers: Record<string, string> = {}) =>
      inject(withKey(key, { method: 'POST', url: '/api/partner/v1/feedback', headers, payload: { items: [{ signalType: 'pdq', value: pdq, feedback, tags: ['nudity'], url: 'https://platform.example/p/1' }, { signalType: 'md5', value: unknown, feedback }] } }));
    const first = await send(blocker.apiKey, 'Blocked', { 'idempotency-key': 'feedback-0001' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ results: [{ index: 0, ok: true, duplicate: false }, { index: 1, ok: false, reason: 'unknown_hash' }] });
    // The same request again (a retry): the same answer, applied once.
    const replay = await send(blocker.apiKey, 'Blocked', { 'idempotency-key': 'feedback-0001' });
    expect(replay.json()).toEqual(first.json());
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // The same key for another request: refused.
    expect((await send(blocker.apiKey, 'NotBlocked', { 'idempotency-key': 'feedback-0001' })).statusCode).toBe(422);
    expect((await send(blocker.apiKey, 'Blocked', { 'idempotency-key': 'x' })).statusCode).toBe(400);
    // Without a key, repeating the current opinion is recorded once.
    expect((await send(blocker.apiKey, 'Blocked')).json<{ results: { duplicate?: boolean }[] }>().results[0]!.duplicate).toBe(true);

    const reader = await createPartner(server());
    const record = (await feedAll(reader.apiKey)).find((r) => r.value === pdq)!;
    expect(record.feedback).toEqual({ pendingReview: 0, blocked: 1, notBlocked: 0 });

    const view = (await inject({ method: 'GET', url: '/api/victim/case', headers: { authorization: `Bearer ${token}` } })).json<{ items: { status: string; history: { status: string }[] }[] }>();
    expect(view.items[0]!.status).toBe('partner_blocked');
    expect(view.items[0]!.history.map((h) => h.status)).toEqual(['received', 'hashed', 'partner_blocked']);

    const supervisor = await consoleUser(server(), 'supervisor');
    const stats = await inject(as(supervisor, { method: 'GET', url: '/api/console/stats' }));
    const partnerFigures = stats.json<{ partners: { feedback: Record<string, number>; byPartner: { name: string; Blocked: number; NotBlocked: number; PendingReview: number }[] } }>().partners;
    expect(partnerFigures.feedback.Blocked).toBeGreaterThanOrEqual(1);
    expect(partnerFigures.byPartner.find((p) => p.name === blocker.name)).toMatchObject({ Blocked: 1, NotBlocked: 0 });

    const tooMany = await inject(withKey(blocker.apiKey, { method: 'POST', url: '/api/partner/v1/feedback', payload: { items: Array.from({ length: 1001 }, () => ({ signalType: 'md5', value: randomMd5(), feedback: 'Blocked' })) } }));
    expect(tooMany.statusCode).toBe(413);
    const badValue = await inject(withKey(blocker.apiKey, { method: 'POST', url: '/api/partner/v1/feedback', payload: { items: [{ signalType: 'pdq', value: pdq, feedback: 'Maybe' }] } }));
    expect(badValue.statusCode).toBe(400);
  });

  it('quarantines a hash several partners dispute and none confirms, until an analyst decides', async () => {
    const [p1, p2, reader] = [await createPartner(server()), await createPartner(server()), await createPartner(server())];
    const pdq = randomPdq();
    hashesSeen.push(pdq);
    await victimCase([{ type: 'photo', pdq, quality: 90 }]);
    const dispute = (key: string, tag: string) => inject(withKey(key, { method: 'POST', url: '/api/partner/v1/feedback', payload: { items: [{ signalType: 'pdq', value: pdq, feedback: 'NotBlocked', tags: [tag] }] } }));
    await dispute(p1.apiKey, 'a');
    await dispute(p1.apiKey, 'b');
    let record = (await feedAll(reader.apiKey)).find((r) => r.value === pdq)!;
    expect(record.status).toBe('active'); // two answers, one partner: not yet
    await dispute(p2.apiKey, 'a');
    record = (await feedAll(reader.apiKey)).find((r) => r.value === pdq)!;
    expect(record.status).toBe('quarantined');
    await server().bankIndex.refresh();
    const match = await inject(withKey(reader.apiKey, { method: 'POST', url: '/api/partner/v1/match', payload: { hashes: [{ signalType: 'pdq', value: pdq }] } }));
    expect(match.json()).toMatchObject({ results: [{ ok: true, matches: [] }] });

    const analyst = await consoleUser(server(), 'analyst');
    const reviews = (await inject(as(analyst, { method: 'GET', url: '/api/console/bank-reviews' }))).json<{ reviews: { entryId: number; value: string; reason: string }[] }>().reviews;
    const review = reviews.find((r) => r.value === pdq)!;
    expect(review.reason).toBe('disputed');
    expect((await inject(as(analyst, { method: 'POST', url: `/api/console/bank-reviews/${review.entryId}`, payload: { outcome: 'restored' } }))).statusCode).toBe(204);
    expect((await inject(as(analyst, { method: 'POST', url: `/api/console/bank-reviews/${review.entryId}`, payload: { outcome: 'restored' } }))).statusCode).toBe(404);
    record = (await feedAll(reader.apiKey)).find((r) => r.value === pdq)!;
    expect(record.status).toBe('active');
  });

  it('holds a hash near the negative bank out of the bank and every feed, for an analyst', async () => {
    const admin = await consoleUser(server(), 'admin');
    const reader = await createPartner(server());
    const benign = randomPdq();
    hashesSeen.push(benign);
    const added = await inject(as(admin, { method: 'POST', url: '/api/console/negative-bank', payload: { entries: [{ pdq: benign, label: 'stock photo' }, { pdq: 'nope' }] } }));
    expect(added.statusCode).toBe(200);
    expect(added.json()).toMatchObject({ results: [{ ok: true, created: true }, { ok: false, reason: 'malformed_pdq' }] });
    const near = flipBits(benign, 20);
    hashesSeen.push(near);
    await victimCase([{ type: 'photo', pdq: near, quality: 90 }]);
    expect((await feedAll(reader.apiKey)).some((r) => r.value === near)).toBe(false);
    const analyst = await consoleUser(server(), 'analyst');
    const review = (await inject(as(analyst, { method: 'GET', url: '/api/console/bank-reviews' }))).json<{ reviews: { entryId: number; value: string; reason: string; hidden: boolean }[] }>().reviews.find((r) => r.value === near)!;
    expect(review).toMatchObject({ reason: 'negative_bank', hidden: true });
    // Feedback on a held hash cannot tell a partner it exists.
    const fb = await inject(withKey(reader.apiKey, { method: 'POST', url: '/api/partner/v1/feedback', payload: { items: [{ signalType: 'pdq', value: near, feedback: 'Blocked' }] } }));
    expect(fb.json()).toMatchObject({ results: [{ ok: false, reason: 'unknown_hash' }] });
    await inject(as(analyst, { method: 'POST', url: `/api/console/bank-reviews/${review.entryId}`, payload: { outcome: 'deleted' } }));
    expect((await feedAll(reader.apiKey)).some((r) => r.value === near)).toBe(false);
    // A benign image added later quarantines an active hash already close to it (partners have it: they see the quarantine).
    const shared = randomPdq();
    hashesSeen.push(shared);
    await victimCase([{ type: 'photo', pdq: shared, quality: 90 }]);
    await server().bankIndex.refresh();
    const later = flipBits(shared, 12);
    const quarantining = await inject(as(admin, { method: 'POST', url: '/api/console/negative-bank', payload: { entries: [{ pdq: later }] } }));
    expect(quarantining.json()).toMatchObject({ quarantined: 1 });
    expect((await feedAll(reader.apiKey)).find((r) => r.value === shared)?.status).toBe('quarantined');
    const listed = (await inject(as(admin, { method: 'GET', url: '/api/console/negative-bank' }))).json<{ entries: { id: number; value: string }[] }>().entries;
    const id = listed.find((e) => e.value === benign)!.id;
    expect((await inject(as(admin, { method: 'DELETE', url: `/api/console/negative-bank/${id}` }))).statusCode).toBe(204);
  });

  it('lets partners submit hashes of their own, unverified', async () => {
    const partner = await createPartner(server(), { scopes: ['hashes:write', 'feed:read'] });
    const pdq = randomPdq();
    hashesSeen.push(pdq);
    const response = await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/hashes', payload: { hashes: [{ signalType: 'pdq', value: pdq, quality: 80 }, { signalType: 'pdq', value: randomPdq(), quality: 20 }, { signalType: 'md5', value: 'xyz' }] } }));
    expect(response.json()).toEqual({ results: [{ index: 0, ok: true, created: true }, { index: 1, ok: false, reason: 'low_quality' }, { index: 2, ok: false, reason: 'malformed_hash' }] });
    expect((await feedAll(partner.apiKey)).find((r) => r.value === pdq)).toMatchObject({ verified: false, status: 'active' });
  });

  it('refuses webhook URLs that are not https to a public host', async () => {
    const partner = await createPartner(server(), { scopes: ['feed:read'] });
    for (const url of ['http://hooks.platform.example/x', 'https://127.0.0.1/x', 'https://10.0.0.8/x', 'https://localhost/x', 'https://[::1]/x', 'not a url']) {
      const response = await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/webhooks', payload: { url } }));
      expect([url, response.statusCode]).toEqual([url, 400]);
    }
    const ok = await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/webhooks', payload: { url: 'https://hooks.platform.example/disrupt' } }));
    expect(ok.statusCode).toBe(201);
    // Removed at once: nothing in this suite listens there.
    expect((await inject(withKey(partner.apiKey, { method: 'DELETE', url: `/api/partner/v1/webhooks/${ok.json<{ id: string }>().id}` }))).statusCode).toBe(204);
    const noScope = await createPartner(server(), { scopes: ['match'] });
    expect((await inject(withKey(noScope.apiKey, { method: 'POST', url: '/api/partner/v1/webhooks', payload: { url: 'https://hooks.platform.example/disrupt' } }))).statusCode).toBe(403);
  });

  it('manages partners from the console (admins only) and documents the API', async () => {
    const admin = await consoleUser(server(), 'admin');
    const created = await inject(as(admin, { method: 'POST', url: '/api/console/partners', payload: { name: 'Console Made', scopes: ['match'] } }));
    expect(created.statusCode).toBe(201);
    const creds = created.json<{ apiKey: string; stopncii: { functionKeys: Record<string, string> } }>();
    expect(Object.keys(creds.stopncii.functionKeys).sort()).toEqual(['FetchHashes', 'SubmitFeedback', 'SubmitHashes']);
    expect((await inject(as(admin, { method: 'POST', url: '/api/console/partners', payload: { name: 'Console Made' } }))).statusCode).toBe(409);
    const list = (await inject(as(admin, { method: 'GET', url: '/api/console/partners' }))).json<{ partners: { id: string; name: string; keys: { prefix: string }[] }[] }>().partners;
    const made = list.find((p) => p.name === 'Console Made')!;
    expect(made.keys).toHaveLength(5);
    expect(JSON.stringify(list)).not.toContain(creds.apiKey);
    const rotated = await inject(as(admin, { method: 'POST', url: `/api/console/partners/${made.id}/rotate` }));
    expect(rotated.statusCode).toBe(200);
    expect((await inject(withKey(creds.apiKey, { method: 'GET', url: '/api/partner/v1/me' }))).statusCode).toBe(401);
    expect((await inject(as(admin, { method: 'POST', url: `/api/console/partners/${made.id}/revoke` }))).statusCode).toBe(204);
    expect((await inject(withKey(rotated.json<{ apiKey: string }>().apiKey, { method: 'GET', url: '/api/partner/v1/me' }))).statusCode).toBe(401);

    const doc = (await inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    for (const path of ['/api/partner/v1/feed', '/api/partner/v1/feed/full', '/api/partner/v1/match', '/api/partner/v1/match/media', '/api/partner/v1/feedback', '/api/partner/v1/webhooks', '/stopncii/v1/FetchHashes', '/stopncii/v1/SubmitFeedback', '/stopncii/v1/SubmitHashes']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('audits every partner call without the hashes, and never logs a hash', async () => {
    await server().partnerGate.flush();
    const audit = await verifyAudit(server().database);
    expect(audit.ok).toBe(true);
    const rows = await server().database.raw(`select detail from audit_log where action = 'partner.call'`);
    expect(rows.rows.length).toBeGreaterThan(20);
    const text = JSON.stringify(rows.rows) + logs();
    for (const hash of hashesSeen) expect(text).not.toContain(hash);
    expect(JSON.stringify(rows.rows)).toContain('"count":5');
  });
});
