// No oracle (issue #14): an anonymous case must not learn, from what the
// victim API shows it, what other cases did. Anyone holding an image can open
// a case and add it; if the answer differed when the hotline had already
// verified that image, a perpetrator could learn that the victim reported it.
//
// Each test puts two items side by side — one the bank already holds as
// verified (another case's analyst decision, or an operator import), one it
// does not — and compares everything the case can see of them, whole, with
// only ids, hash values, positions and times masked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { PDQ_DIR, vectorRow } from '../../../../test/reference.ts';
import { type ConsoleLogin, as, consoleUser } from '../../test/console.ts';
import { randomMd5, randomPdq } from '../../test/partners.ts';
import { describeServer, multipart } from '../../test/server.ts';
import { importLines } from '../bank/bank-admin.ts';

const image = (file: string) => readFileSync(join(PDQ_DIR, file));
const ORIGINAL = 'data/bridge-mods/aaa-orig.jpg';
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

describeServer('no oracle', ({ server }) => {
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

  let fingerprintItems: string[] = [];

  it('shows a fingerprint the bank holds as verified exactly as one it does not hold', async () => {
    const token = await openCase();
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
});
