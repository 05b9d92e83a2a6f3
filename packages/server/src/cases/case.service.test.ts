// The case service on real storage: PGlite, and PostgreSQL when
// TEST_DATABASE_URL is set.
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../../test/databases.ts';
import { bankStats, changesAfter, findSignal } from '../bank/bank.repository.ts';
import { randomKey } from '../crypto/envelope.ts';
import { queryRows } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { CaseService, type OpenCaseInput } from './case.service.ts';

const PDQ = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';
const input: OpenCaseInput = {
  situation: 'online',
  ageGroup: 'adult',
  aiGenerated: 'no',
  language: 'fr',
  description: 'Photos publiées par mon ex sur un forum',
  contact: { email: 'victime@example.org' },
};

/** A distinct, valid PDQ hash for item n. */
function pdqFor(n: number): string {
  return n.toString(16).padStart(8, '0').repeat(8);
}

describeStorage('case service', ({ database }) => {
  let service: CaseService;
  beforeAll(() => {
    service = new CaseService({ database: database(), masterKey: randomKey() });
  });

  it('opens a case with a readable number and a 140-bit secret, stores neither secret nor contact in clear', async () => {
    const opened = await service.openCase(input);
    expect(opened.caseNumber).toMatch(/^DSR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(opened.secret.replace(/-/g, '')).toHaveLength(28);
    const caseId = await service.caseOfSession(opened.token);
    expect(caseId).not.toBeNull();
    const view = await service.view(caseId!);
    expect(view).toMatchObject({ caseNumber: opened.caseNumber, status: 'open', contact: input.contact, description: input.description, itemCount: 0 });

    const dump = JSON.stringify(await queryRows(database().db, sql`select * from cases`), (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
    );
    expect(dump).not.toContain('victime@example.org');
    expect(dump).not.toContain('forum');
    expect(dump).not.toContain(opened.secret);
    expect(dump).not.toContain(opened.secret.replace(/-/g, ''));
  });

  it('signs in with the secret however it is typed, and not otherwise', async () => {
    const opened = await service.openCase(input);
    const sloppy = opened.secret.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    expect(await service.signIn(opened.caseNumber.toLowerCase(), sloppy)).toMatchObject({ ok: true });
    expect(await service.signIn(opened.caseNumber, 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG')).toEqual({ ok: false, reason: 'refused' });
    expect(await service.signIn('DSR-0000-0000', opened.secret)).toEqual({ ok: false, reason: 'refused' });
    expect(await service.signIn('not a number', opened.secret)).toEqual({ ok: false, reason: 'refused' });
  });

  it('pauses a case after 10 wrong secrets, even for the right one, until the pause ends; an unknown number alike', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const clocked = new CaseService({ database: database(), masterKey: randomKey(), now: () => new Date(now) });
    const opened = await clocked.openCase(input);
    const pausedUntil = new Date(now + 15 * 60_000);
    for (const caseNumber of [opened.caseNumber, 'DSR-ZZZZ-ZZZZ']) {
      for (let i = 0; i < 9; i++) expect(await clocked.signIn(caseNumber, `WRONG-${i}`)).toEqual({ ok: false, reason: 'refused' });
      expect(await clocked.signIn(caseNumber, 'WRONG-9')).toEqual({ ok: false, reason: 'paused', pausedUntil });
      expect(await clocked.signIn(caseNumber, opened.secret)).toEqual({ ok: false, reason: 'paused', pausedUntil });
    }
    now += 15 * 60_000;
    expect(await clocked.signIn(opened.caseNumber, opened.secret)).toMatchObject({ ok: true });
    // Forgiven by the success: ten more failures before the next pause.
    for (let i = 0; i < 9; i++) expect(await clocked.signIn(opened.caseNumber, `WRONG-${i}`)).toEqual({ ok: false, reason: 'refused' });
    // The unknown number was not forgiven: one more failure pauses it twice as long.
    expect(await clocked.signIn('DSR-ZZZZ-ZZZZ', 'WRONG')).toEqual({ ok: false, reason: 'paused', pausedUntil: new Date(now + 30 * 60_000) });
  });

  it('answers a replayed idempotency key with the same case, and refuses the key for another body', async () => {
    const request = { scope: 'open-case', key: 'retry-key-0001', body: input };
    const first = await service.openCase(input, request);
    const again = await service.openCase(input, request);
    expect(again).toEqual(first);
    const concurrent = await Promise.all([1, 2, 3].map(() => service.openCase(input, { ...request, key: 'retry-key-0002' })));
    expect(new Set(concurrent.map((c) => c.caseNumber)).size).toBe(1);
    const [{ n }] = (await queryRows<{ n: number }>(
      database().db,
      sql`select count(*)::int as n from cases where number in (${first.caseNumber}, ${concurrent[0]!.caseNumber})`,
    )) as [{ n: number }];
    expect(n).toBe(2);
    await expect(service.openCase({ ...input, language: 'en' }, { ...request, body: { ...input, language: 'en' } })).rejects.toMatchObject({
      code: 'idempotency_mismatch',
    });
  });

  it('takes 500 items in batches, refuses bad ones item by item, pages them back, and dedupes retries', async () => {
    const opened = await service.openCase(input);
    const caseId = (await service.caseOfSession(opened.token))!;
    const batches = Array.from({ length: 5 }, (_, b) =>
      Array.from({ length: 100 }, (_, i) => {
        const n = b * 100 + i;
        return n % 2 === 0 ? { type: 'url', url: `https://host${n % 7}.example.com/p/${n}` } : { type: 'photo', pdq: pdqFor(n), quality: 80 };
      }),
    );
    for (const batch of batches) {
      const results = await service.addItems(caseId, batch);
      expect(results.every((r) => r.ok && !r.duplicate)).toBe(true);
    }
    const retry = await service.addItems(caseId, batches[2]!);
    expect(retry.every((r) => r.ok && r.duplicate)).toBe(true);

    const mixed = await service.addItems(caseId, [{ type: 'photo', pdq: 'bad', quality: 80 }, { type: 'url', url: 'http://localhost/' }, { type: 'url', url: 'https://new.example.net/x' }]);
    expect(mixed).toEqual([
      { index: 0, ok: false, reason: 'malformed_pdq' },
      { index: 1, ok: false, reason: 'url_not_public' },
      { index: 2, ok: true, itemId: expect.any(String) as unknown, duplicate: false },
    ]);

    const seen: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await service.view(caseId, after === undefined ? { limit: 120 } : { after, limit: 120 });
      expect(page.itemCount).toBe(501);
      seen.push(...page.items.map((i) => i.position));
      if (page.nextAfter === null) break;
      after = page.nextAfter;
    }
    expect(seen).toEqual(Array.from({ length: 501 }, (_, i) => i + 1));
    const first = await service.view(caseId, { limit: 2 });
    expect(first.items[0]).toMatchObject({ kind: 'url', status: 'received', url: 'https://host0.example.com/p/0', host: 'host0.example.com' });
    expect(first.items[1]).toMatchObject({ kind: 'photo', status: 'hashed' });
    expect(first.items[1]!.signals).toEqual([{ signalType: 'pdq', value: pdqFor(1) }]); // its own hash, not the shared entry's state
    expect(first.items[1]!.history.map((h) => h.status)).toEqual(['received', 'hashed']);
  });

  it('withdraws: tombstones hashes no other open case holds, erases personal data, ends sessions', async () => {
    const a = await service.openCase(input);
    const b = await service.openCase(input);
    const caseA = (await service.caseOfSession(a.token))!;
    const caseB = (await service.caseOfSession(b.token))!;
    await service.addItems(caseA, [{ type: 'photo', pdq: PDQ, quality: 90 }, { type: 'photo', pdq: pdqFor(999_999), quality: 90 }, { type: 'url', url: 'https://x.example/a' }]);
    await service.addItems(caseB, [{ type: 'photo', pdq: PDQ, quality: 90 }]);
    const before = (await bankStats(database().db)).lastSeq;

    await service.withdraw(caseA);
    expect((await findSignal(database().db, 'pdq', PDQ))?.status).toBe('active'); // case B still holds it
    const own = await findSignal(database().db, 'pdq', pdqFor(999_999));
    expect(own?.status).toBe('withdrawn');
    expect(own!.seq).toBeGreaterThan(before);
    expect((await changesAfter(database().db, before, 10)).map((e) => e.value)).toEqual([pdqFor(999_999)]);

    const view = await service.view(caseA);
    expect(view).toMatchObject({ status: 'withdrawn', contact: null, description: null });
    expect(view.items.every((i) => i.status === 'withdrawn' && i.url === null && i.signals.length === 0)).toBe(true);
    expect(view.items.find((i) => i.kind === 'url')?.host).toBe('x.example');
    expect(await service.caseOfSession(a.token)).toBeNull();
    await expect(service.addItems(caseA, [{ type: 'url', url: 'https://y.example' }])).rejects.toBeInstanceOf(AppError);
    await service.withdraw(caseA); // twice is harmless

    await service.withdraw(caseB);
    expect((await findSignal(database().db, 'pdq', PDQ))?.status).toBe('withdrawn');
  });

  it('numbers bank changes in commit order, one number per change', async () => {
    const before = (await bankStats(database().db)).lastSeq;
    const opened = await Promise.all([1, 2, 3, 4].map(() => service.openCase(input)));
    const ids = await Promise.all(opened.map((o) => service.caseOfSession(o.token)));
    await Promise.all(ids.map((id, k) => service.addItems(id!, Array.from({ length: 20 }, (_, i) => ({ type: 'photo', pdq: pdqFor(2_000_000 + k * 100 + i), quality: 70 })))));
    const changes = await changesAfter(database().db, before, 1000);
    expect(changes).toHaveLength(80);
    const seqs = changes.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(80);
  });
});
