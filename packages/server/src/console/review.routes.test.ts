// The review loop over HTTP on both back ends: a victim reports, analysts
// claim (never the same item), decide, and the bank and the victim's status
// follow; uploaded media are erased once decided.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { PDQ_DIR, VPDQ_DIR } from '../../../../test/reference.ts';
import { eq } from 'drizzle-orm';
import { type ConsoleLogin, as, consoleUser } from '../../test/console.ts';
import { caseItems } from '../db/schema.ts';
import { describeServer, multipart } from '../../test/server.ts';

const jpeg = (file: string) => readFileSync(join(PDQ_DIR, file));

describeServer('review', ({ server, dataDir }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  let analyst: ConsoleLogin;
  let supervisor: ConsoleLogin;
  let adultToken: string;

  async function openCase(ageGroup: string): Promise<string> {
    const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `review-${Math.random()}` }, payload: { situation: 'online', ageGroup, aiGenerated: 'no', language: 'fr' } });
    return opened.json<{ token: string }>().token;
  }
  const victim = (token: string, options: InjectOptions): InjectOptions => ({ ...options, headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` } });
  const view = async (token: string) =>
    (await inject(victim(token, { method: 'GET', url: '/api/victim/case' }))).json<{ items: { id: string; kind: string; status: string; history: { status: string }[]; signals: { signalType: string; value: string }[] }[] }>();
  /** The state of an item's hashes in the bank, as analysts see it (victims see only their own hashes, not this). */
  const bankOf = async (itemId: string) =>
    (await inject(as(supervisor, { method: 'GET', url: `/api/console/items/${itemId}` }))).json<{ bank: { signalType: string; verified: boolean; status: string }[] }>().bank;
  const blobs = () => readdirSync(join(dataDir, 'media'), { recursive: true }).map(String).filter((f) => f.endsWith('.enc')).length;

  /** Claims from the queue until `itemId` comes (the items claimed on the way stay held). */
  const claimUntil = async (who: ConsoleLogin, itemId: string) => {
    for (;;) {
      const next = (await inject(as(who, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { itemId: string } | null }>().item;
      if (!next) throw new Error('item never reached');
      if (next.itemId === itemId) return;
    }
  };
  /** Gives back to the queue everything `who` holds. */
  const releaseAll = async (who: ConsoleLogin) => {
    const queue = (await inject(as(who, { method: 'GET', url: '/api/console/queue' }))).json<{ items: { itemId: string; claimedBy: string | null }[] }>();
    for (const item of queue.items) if (item.claimedBy === who.userId) await inject(as(who, { method: 'POST', url: `/api/console/items/${item.itemId}/release` }));
  };

  beforeAll(async () => {
    analyst = await consoleUser(server(), 'analyst');
    supervisor = await consoleUser(server(), 'supervisor');
    adultToken = await openCase('adult');
    await inject(victim(adultToken, { method: 'POST', url: '/api/victim/case/items', payload: { items: [{ type: 'url', url: 'https://host.example/a' }] } }));
    for (const file of ['data/bridge-mods/aaa-orig.jpg', 'data/misc-images/wee.jpg']) {
      const { payload, headers } = multipart(jpeg(file));
      expect((await inject(victim(adultToken, { method: 'POST', url: '/api/victim/case/media', headers, payload }))).statusCode).toBe(201);
    }
    const minorToken = await openCase('minor');
    await inject(victim(minorToken, { method: 'POST', url: '/api/victim/case/items', payload: { items: [{ type: 'url', url: 'https://other.example/m' }] } }));
  });

  it('queues URLs and media, minors first then the oldest, and hands each to one analyst', async () => {
    const queue = (await inject(as(analyst, { method: 'GET', url: '/api/console/queue' }))).json<{ items: { kind: string; ageGroup: string }[] }>();
    expect(queue.items.map((i) => [i.ageGroup, i.kind])).toEqual([
      ['minor', 'url'],
      ['adult', 'url'],
      ['adult', 'photo'],
      ['adult', 'photo'],
    ]);
    const claims = await Promise.all([analyst, supervisor, analyst, supervisor].map((who) => inject(as(who, { method: 'POST', url: '/api/console/queue/claim' }))));
    const ids = claims.map((c) => c.json<{ item: { itemId: string } | null }>().item?.itemId);
    expect(new Set(ids).size).toBe(4);
    const none = await inject(as(analyst, { method: 'POST', url: '/api/console/queue/claim' }));
    expect(none.json()).toEqual({ item: null });
    // Release everything the analyst holds back to the queue.
    for (const [k, id] of ids.entries()) {
      const who = k % 2 === 0 ? analyst : supervisor;
      expect((await inject(as(who, { method: 'POST', url: `/api/console/items/${id}/release` }))).statusCode).toBe(204);
    }
  });

  it('previews media small, grey and blurred, and reveals the original only on request, counted', async () => {
    const photo = (await view(adultToken)).items.find((i) => i.kind === 'photo')!;
    const preview = await inject(as(analyst, { method: 'GET', url: `/api/console/items/${photo.id}/preview` }));
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(preview.rawPayload).metadata();
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(256);
    expect(meta.channels).toBe(1);
    const original = jpeg('data/bridge-mods/aaa-orig.jpg');
    expect(preview.rawPayload.equals(original)).toBe(false);

    expect((await inject(as(analyst, { method: 'GET', url: '/api/console/reveals' }))).json()).toEqual({ today: 0 });
    // Only the analyst who holds the item may reveal its original.
    const unclaimed = await inject(as(analyst, { method: 'POST', url: `/api/console/items/${photo.id}/reveal` }));
    expect(unclaimed.statusCode).toBe(409);
    await claimUntil(analyst, photo.id);
    expect((await inject(as(supervisor, { method: 'POST', url: `/api/console/items/${photo.id}/reveal` }))).statusCode).toBe(409);
    const reveal = await inject(as(analyst, { method: 'POST', url: `/api/console/items/${photo.id}/reveal` }));
    expect(reveal.statusCode).toBe(200);
    expect(reveal.rawPayload.equals(original)).toBe(true);
    expect(reveal.headers['x-reveals-today']).toBe('1');
    expect((await inject(as(analyst, { method: 'GET', url: '/api/console/reveals' }))).json()).toEqual({ today: 1 });
    expect((await inject(as(supervisor, { method: 'GET', url: '/api/console/reveals' }))).json()).toEqual({ today: 0 });
    // A reveal is an explicit, CSRF-protected action, never a plain link.
    expect((await inject({ method: 'GET', url: `/api/console/items/${photo.id}/reveal`, cookies: as(analyst, { method: 'GET', url: '/' }).cookies! })).statusCode).toBe(404);
    await releaseAll(analyst);
  });

  it('verifies the hashes of a confirmed photo, erases its media, and tells the victim', async () => {
    const photo = (await view(adultToken)).items.find((i) => i.kind === 'photo')!;
    const decide = (who: ConsoleLogin, body: object) => inject(as(who, { method: 'POST', url: `/api/console/items/${photo.id}/decision`, payload: body }));
    expect((await decide(analyst, { decision: 'ncii_adult' })).statusCode).toBe(409); // not claimed
    await claimUntil(analyst, photo.id);
    expect((await decide(supervisor, { decision: 'ncii_adult' })).statusCode).toBe(409); // held by someone else
    expect((await decide(analyst, { decision: 'not_actionable' })).statusCode).toBe(400); // needs a reason
    expect((await decide(analyst, { decision: 'ncii_adult', aiGenerated: false })).statusCode).toBe(204);
    expect((await decide(analyst, { decision: 'not_intimate' })).statusCode).toBe(409); // already decided

    const after = (await view(adultToken)).items.find((i) => i.id === photo.id)!;
    expect(after.status).toBe('shared');
    expect((await bankOf(photo.id)).every((s) => s.verified && s.status === 'active')).toBe(true);
    expect(blobs()).toBe(1); // the other photo's, still waiting
    expect((await inject(as(analyst, { method: 'GET', url: `/api/console/items/${photo.id}/preview` }))).statusCode).toBe(404);
    expect((await inject(as(analyst, { method: 'POST', url: `/api/console/items/${photo.id}/reveal` }))).statusCode).toBe(404);
    expect((await inject(as(analyst, { method: 'GET', url: `/api/console/items/${photo.id}` }))).json()).toMatchObject({ item: { hasMedia: false, media: 'erased_decided' } });
  });

  it('takes the hashes of a rejected photo out of the bank', async () => {
    const photo = (await view(adultToken)).items.find((i) => i.kind === 'photo' && i.status === 'in_review')!;
    await claimUntil(supervisor, photo.id);
    expect((await inject(as(supervisor, { method: 'POST', url: `/api/console/items/${photo.id}/decision`, payload: { decision: 'not_actionable', reason: 'out_of_scope' } }))).statusCode).toBe(204);
    const after = (await view(adultToken)).items.find((i) => i.id === photo.id)!;
    expect(after.status).toBe('not_actionable');
    expect(after.signals.length).toBeGreaterThan(0);
    expect((await bankOf(photo.id)).every((s) => s.status === 'withdrawn')).toBe(true);

    // A supervisor reverses it: the hashes come back, verified; analysts cannot reverse.
    const reverse = (who: ConsoleLogin) => inject(as(who, { method: 'POST', url: `/api/console/items/${photo.id}/reverse`, payload: { decision: 'ncii_adult' } }));
    expect((await reverse(analyst)).statusCode).toBe(404);
    expect((await reverse(supervisor)).statusCode).toBe(204);
    const reversed = (await view(adultToken)).items.find((i) => i.id === photo.id)!;
    expect(reversed.status).toBe('shared');
    expect((await bankOf(photo.id)).every((s) => s.status === 'active' && s.verified)).toBe(true);
    // And back again, so the rest of this file sees it rejected.
    expect((await inject(as(supervisor, { method: 'POST', url: `/api/console/items/${photo.id}/reverse`, payload: { decision: 'not_actionable', reason: 'out_of_scope' } }))).statusCode).toBe(204);
    expect((await bankOf(photo.id)).every((s) => s.status === 'withdrawn')).toBe(true);
    await server().bankIndex.refresh();
    const queue = (await inject(as(analyst, { method: 'GET', url: '/api/console/queue' }))).json<{ items: unknown[] }>();
    expect(queue.items.every((i) => (i as { kind: string }).kind === 'url')).toBe(true);
  });

  it('spares analysts a copy of verified content, yet stores and shows it to the case as any file until the queue reaches it', async () => {
    await server().bankIndex.refresh();
    const before = blobs();
    const token = await openCase('adult');
    const { payload, headers } = multipart(jpeg('data/bridge-mods/blur-a-little.jpg')); // same picture, other file
    const uploaded = await inject(victim(token, { method: 'POST', url: '/api/victim/case/media', headers, payload }));
    expect(uploaded.statusCode).toBe(201);
    const [item] = (await view(token)).items;
    expect(item).toMatchObject({ kind: 'photo', status: 'in_review' }); // as any file: the case cannot tell the bank knew it
    expect(blobs()).toBe(before + 1);
    const queue = (await inject(as(analyst, { method: 'GET', url: '/api/console/queue' }))).json<{ items: { itemId: string }[] }>();
    expect(queue.items.map((i) => i.itemId)).not.toContain(item!.id);

    // The next claim reaches it: decided on the way, never handed out.
    const next = (await inject(as(supervisor, { method: 'POST', url: '/api/console/queue/claim' }))).json<{ item: { itemId: string } | null }>().item;
    expect(next?.itemId).not.toBe(item!.id);
    if (next) await inject(as(supervisor, { method: 'POST', url: `/api/console/items/${next.itemId}/release` }));
    const decided = (await view(token)).items[0]!;
    expect(decided.status).toBe('shared');
    expect(decided.history.map((h) => h.status)).toEqual(['received', 'in_review', 'shared']);
    expect((await bankOf(item!.id)).every((s) => s.verified)).toBe(true);
    expect(blobs()).toBe(before);
  });

  it('counts reports, items and decisions for supervisors', async () => {
    const stats = (await inject(as(supervisor, { method: 'GET', url: '/api/console/stats' }))).json<{
      reports: { total: number; byAgeGroup: Record<string, number> };
      items: { byKind: Record<string, number> };
      decisions: Record<string, number>;
      bank: { verified: number };
    }>();
    expect(stats.reports.total).toBe(3);
    expect(stats.reports.byAgeGroup).toEqual({ adult: 2, minor: 1 });
    expect(stats.items.byKind).toEqual({ url: 2, photo: 3 });
    expect(stats.decisions).toEqual({ ncii_adult: 1, not_actionable: 1, duplicate: 1 });
    expect(stats.bank.verified).toBeGreaterThanOrEqual(2);
    const bad = await inject(as(supervisor, { method: 'GET', url: '/api/console/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z' }));
    expect(bad.statusCode).toBe(400);
  });

  it('queues a report whose age the victim was not sure of after minors and before adults, however old', async () => {
    const adult = await openCase('adult');
    await inject(victim(adult, { method: 'POST', url: '/api/victim/case/items', payload: { items: [{ type: 'url', url: 'https://order.example/adult' }] } }));
    const unsure = await openCase('unsure');
    await inject(victim(unsure, { method: 'POST', url: '/api/victim/case/items', payload: { items: [{ type: 'url', url: 'https://order.example/unsure' }] } }));
    const queue = (await inject(as(analyst, { method: 'GET', url: '/api/console/queue' }))).json<{ items: { ageGroup: string }[] }>();
    const groups = queue.items.map((i) => i.ageGroup);
    expect(groups).toContain('unsure');
    // Sorted by group: every minor, then every unsure, then the rest.
    const rank = (group: string) => (group === 'minor' ? 0 : group === 'unsure' ? 1 : 2);
    expect(groups.map(rank)).toEqual([...groups.map(rank)].sort((a, b) => a - b));
    expect(groups.indexOf('unsure')).toBeLessThan(groups.lastIndexOf('adult'));
  });

  it('lets the holder of a lapsed claim decide, unless another analyst has taken the item since', async () => {
    const token = await openCase('adult');
    await inject(victim(token, { method: 'POST', url: '/api/victim/case/items', payload: { items: [{ type: 'url', url: 'https://slow.example/1' }, { type: 'url', url: 'https://slow.example/2' }] } }));
    const [slow, taken] = (await view(token)).items;
    const lapse = (itemId: string) => server().database.db.update(caseItems).set({ claimExpiresAt: new Date(Date.now() - 60_000) }).where(eq(caseItems.id, itemId));
    const decide = (who: ConsoleLogin, itemId: string) => inject(as(who, { method: 'POST', url: `/api/console/items/${itemId}/decision`, payload: { decision: 'ncii_adult' } }));

    // Twenty minutes on a hard case: nobody took it, so the decision stands.
    await claimUntil(analyst, slow!.id);
    await lapse(slow!.id);
    expect((await decide(analyst, slow!.id)).statusCode).toBe(204);

    // Lapsed, and a colleague took it over: theirs now.
    await claimUntil(analyst, taken!.id);
    await lapse(taken!.id);
    await claimUntil(supervisor, taken!.id);
    const late = await decide(analyst, taken!.id);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ error: { code: 'conflict', message: 'another analyst holds this item now' } });
    expect((await decide(supervisor, taken!.id)).statusCode).toBe(204);
  });

  it('previews a video from one of its frames', async () => {
    const token = await openCase('adult');
    const { payload, headers } = multipart(readFileSync(join(VPDQ_DIR, 'sample-videos/test-padded-dimensions.mp4')));
    const uploaded = await inject(victim(token, { method: 'POST', url: '/api/victim/case/media', headers, payload }));
    const itemId = uploaded.json<{ itemId: string }>().itemId;
    const preview = await inject(as(analyst, { method: 'GET', url: `/api/console/items/${itemId}/preview` }));
    expect(preview.statusCode).toBe(200);
    expect((await sharp(preview.rawPayload).metadata()).channels).toBe(1);
  });
});
