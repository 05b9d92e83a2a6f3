// No oracle (issue #14): an anonymous case must not learn, from what the
// victim API shows it, what other cases did. Anyone holding an image can open
// a case and add it; if the answer differed when the hotline had already
// verified that image, a perpetrator could learn that the victim reported it.
//
// Each test puts two items side by side — one the bank already holds as
// verified (another case's analyst decision, or an operator import), one it
// does not — and compares everything the case can see of them, whole, with
// only ids, hash values, positions and times masked.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { PDQ_DIR, vectorRow } from '../../../../test/reference.ts';
import { type ConsoleLogin, as, consoleUser } from '../../test/console.ts';
import { createPartner, flipBits, randomMd5, randomPdq, withKey } from '../../test/partners.ts';
import { describeServer, multipart } from '../../test/server.ts';
import { importLines, removeSignal } from '../bank/bank-admin.ts';
import { auditLog } from '../db/schema.ts';

const image = (file: string) => readFileSync(join(PDQ_DIR, file));
const ORIGINAL = 'data/bridge-mods/aaa-orig.jpg';
/** The same picture as ORIGINAL, another file (another MD5, the same PDQ). */
const COPY = 'data/bridge-mods/blur-a-little.jpg';
/** Unrelated pictures. */
const OTHER = 'data/misc-images/wee.jpg';
const THIRD = 'data/misc-images/c.png';
const ORIGINAL_PDQ = vectorRow('expected.tsv', ORIGINAL).hash_hex!;

interface ItemView {
  id: string;
  kind: string;
  status: string;
  history: { status: string; at: string }[];
  signals: Record<string, unknown>[];
}

/** What only differs between any two items: ids, hash values, places in the case or batch, times. */
function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ['id', 'itemId', 'index', 'value', 'position'].includes(k) ? '<masked>' : masked(v)]));
  }
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return '<time>';
  return value;
}

describeServer('no oracle', ({ server, dataDir }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  let analyst: ConsoleLogin;
  let victimToken: string;
  let victimItem: string;
  let importedPdq: string;
  let importedMd5: string;

  async function openCase(): Promise<string> {
    const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `oracle-${Math.random()}` }, payload: { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' } });
    expect(opened.statusCode).toBe(201);
    return opened.json<{ token: string }>().token;
  }
  const victim = (token: string, options: InjectOptions): InjectOptions => ({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } });
  const items = async (token: string) => (await inject(victim(token, { method: 'GET', url: '/api/victim/case' }))).json<{ items: ItemView[] }>().items;
  const item = async (token: string, id: string) => (await items(token)).find((i) => i.id === id)!;
  const upload = (token: string, file: string) => {
    const { payload, headers } = multipart(image(file));
    return inject(victim(token, { method: 'POST', url: '/api/victim/case/media', headers, payload }));
  };
  const claim = async () => (await inject(as(analyst, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { itemId: string } | null }>().item;
  const decide = (itemId: string, decision = 'ncii_adult') => inject(as(analyst, { method: 'POST', url: `/api/console/items/${itemId}/decision`, payload: { decision } }));
  const blobs = () => readdirSync(join(dataDir, 'media'), { recursive: true }).map(String).filter((f) => f.endsWith('.enc')).length;
  const queued = async () => (await inject(as(analyst, { method: 'GET', url: '/api/console/queue' }))).json<{ items: { itemId: string }[] }>().items.map((i) => i.itemId);

  beforeAll(async () => {
    analyst = await consoleUser(server(), 'analyst');
    // The bank learns of ORIGINAL the usual way: a victim sends it, an analyst confirms it.
    victimToken = await openCase();
    const sent = await upload(victimToken, ORIGINAL);
    expect(sent.statusCode).toBe(201);
    victimItem = sent.json<{ itemId: string }>().itemId;
    expect((await claim())?.itemId).toBe(victimItem);
    expect((await decide(victimItem)).statusCode).toBe(204);
    // And of two more hashes from the operator, verified.
    importedPdq = randomPdq();
    importedMd5 = randomMd5();
    const report = await importLines(server().database, [
      JSON.stringify({ signalType: 'pdq', value: importedPdq, quality: 90, verified: true }),
      JSON.stringify({ signalType: 'md5', value: importedMd5, verified: true }),
    ]);
    expect(report.imported).toBe(2);
    await server().bankIndex.refresh();
  });

  let fingerprintToken: string;
  let fingerprintItems: string[] = [];

  it('shows a fingerprint the bank holds as verified exactly as one it does not hold', async () => {
    const token = await openCase();
    fingerprintToken = token;
    const added = await inject(
      victim(token, {
        method: 'POST',
        url: '/api/victim/case/items',
        payload: {
          items: [
            { type: 'photo', pdq: importedPdq, quality: 90 }, // verified by the operator's import
            { type: 'photo', pdq: ORIGINAL_PDQ, quality: 90 }, // verified by another case's analyst
            { type: 'photo', pdq: randomPdq(), quality: 90 }, // unknown
            { type: 'photo', pdq: randomPdq(), quality: 90, md5: importedMd5 }, // a known MD5 beside an unknown PDQ
            { type: 'photo', pdq: randomPdq(), quality: 90, md5: randomMd5() }, // both unknown
          ],
        },
      }),
    );
    expect(added.statusCode).toBe(200);
    const results = added.json<{ results: { itemId: string }[] }>().results;
    expect(new Set(results.map((r) => JSON.stringify(masked(r))))).toEqual(new Set([JSON.stringify(masked(results[0]))]));
    fingerprintItems = results.map((r) => r.itemId);

    const [imported, decided, unknown, knownMd5, unknownMd5] = await Promise.all(fingerprintItems.map((id) => item(token, id)));
    expect(masked(imported)).toEqual(masked(unknown));
    expect(masked(decided)).toEqual(masked(unknown));
    expect(masked(knownMd5)).toEqual(masked(unknownMd5));
    // What the case sees of its hashes is what it gave: type and value.
    expect(decided!.signals).toEqual([{ signalType: 'pdq', value: ORIGINAL_PDQ }]);
  });

  let mediaToken: string;
  let knownUpload: string;

  it('answers, stores and shows a file the bank holds as verified like a fresh one, until the queue reaches it', async () => {
    mediaToken = await openCase();
    const before = blobs();
    const known = await upload(mediaToken, COPY);
    const fresh = await upload(mediaToken, OTHER);
    expect([known.statusCode, fresh.statusCode]).toEqual([201, 201]);
    expect(masked(known.json())).toEqual(masked(fresh.json()));
    expect(blobs()).toBe(before + 2); // both stored, encrypted
    knownUpload = known.json<{ itemId: string }>().itemId;
    const freshUpload = fresh.json<{ itemId: string }>().itemId;

    const waiting = await Promise.all([item(mediaToken, knownUpload), item(mediaToken, freshUpload)]);
    expect(waiting.map((i) => i.status)).toEqual(['in_review', 'in_review']);
    expect(masked(waiting[0])).toEqual(masked(waiting[1]));

    // Analysts never see the known file: not in their queue, no preview.
    expect(await queued()).toEqual([freshUpload]);
    expect((await inject(as(analyst, { method: 'GET', url: `/api/console/items/${knownUpload}/preview` }))).statusCode).toBe(404);

    // The queue reaches the known file first (older): decided on the way, and the analyst gets the fresh one.
    expect((await claim())?.itemId).toBe(freshUpload);
    const released = await item(mediaToken, knownUpload);
    expect(released.status).toBe('shared');
    expect(released.history.map((h) => h.status)).toEqual(['received', 'in_review', 'shared']);
    expect(blobs()).toBe(before + 1); // its file erased, as a decision erases it
    const audited = await server().database.db.select({ actor: auditLog.actor }).from(auditLog).where(and(eq(auditLog.action, 'item.auto_duplicate'), eq(auditLog.subject, `item:${knownUpload}`)));
    expect(audited).toEqual([{ actor: 'system' }]);

    // Once the analyst decides the fresh one, the two look alike again.
    expect((await decide(freshUpload, 'ncii_adult')).statusCode).toBe(204);
    const decided = await Promise.all([item(mediaToken, knownUpload), item(mediaToken, freshUpload)]);
    expect(masked(decided[0])).toEqual(masked(decided[1]));
    expect(blobs()).toBe(before);
    expect(await claim()).toBeNull();
  });

  it('gives an analyst a file whose verified match left the bank while it waited', async () => {
    const token = await openCase();
    const near = flipBits(vectorRow('expected.tsv', THIRD).hash_hex!, 6);
    await importLines(server().database, [JSON.stringify({ signalType: 'pdq', value: near, quality: 90, verified: true })]);
    await server().bankIndex.refresh();
    const sent = await upload(token, THIRD);
    expect(sent.statusCode).toBe(201);
    const itemId = sent.json<{ itemId: string }>().itemId;
    expect(await queued()).toEqual([]);
    // The operator deletes the entry it matched: deciding on that match now would verify hashes nobody confirmed.
    expect(await removeSignal(server().database, 'pdq', near)).toBe('deleted');
    await server().bankIndex.refresh();
    expect((await claim())?.itemId).toBe(itemId);
    expect((await item(token, itemId)).status).toBe('in_review');
    expect((await decide(itemId, 'not_intimate')).statusCode).toBe(204);
  });

  it("rolls partner feedback up into an item only when the record partners acted on is the case's own", async () => {
    const partner = await createPartner(server(), { scopes: ['feedback:write'] });
    const token = await openCase();
    const own = randomPdq();
    const added = await inject(victim(token, { method: 'POST', url: '/api/victim/case/items', payload: { items: [{ type: 'photo', pdq: own, quality: 90 }] } }));
    const ownItem = added.json<{ results: { itemId: string }[] }>().results[0]!.itemId;
    const blocked = await inject(
      withKey(partner.apiKey, {
        method: 'POST',
        url: '/api/partner/v1/feedback',
        payload: { items: [importedPdq, ORIGINAL_PDQ, own].map((value) => ({ signalType: 'pdq', value, feedback: 'Blocked' })) },
      }),
    );
    expect(blocked.statusCode).toBe(200);

    // The victim whose item an analyst confirmed sees it; so does the case whose own unverified hash partners acted on,
    expect((await item(victimToken, victimItem)).status).toBe('partner_blocked');
    expect((await item(token, ownItem)).history.map((h) => h.status)).toEqual(['received', 'hashed', 'partner_blocked']);
    // and the case whose file the hotline accepted (the known copy, decided when the queue reached it).
    expect((await item(mediaToken, knownUpload)).status).toBe('partner_blocked');
    // Not a case that merely holds a hash the operator or another case verified: partners acted on their record, not its.
    for (const id of fingerprintItems.slice(0, 2)) {
      expect((await item(fingerprintToken, id)).history.map((h) => h.status)).toEqual(['received', 'hashed']);
    }
  });
});
