// One conformance suite for the PDQ batch matchers: the BankIndex on the
// calling thread, and the pool of match threads (1 and 3 shards). Each must
// give exactly what a brute-force scan of the active bank gives, and follow
// the bank as hashes are withdrawn. Then the pool behind the HTTP API.
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { type PdqHash, hammingDistance } from '@disrupt/hashing';
import { describeStorage } from '../../test/databases.ts';
import { createPartner, flipBits, randomPdq, withKey } from '../../test/partners.ts';
import { describeServer } from '../../test/server.ts';
import { BankIndex } from '../bank/bank-index.ts';
import type { Database } from '../db/database.ts';
import { setStatus, upsertSignal } from '../bank/bank.repository.ts';
import { InProcessPdqMatcher, type PdqBatchMatcher, PdqMatchPool } from './pdq-match-pool.ts';

/** Each implementation with the bank index it follows. */
function withPool(size: number) {
  return (database: Database) => {
    const pool = new PdqMatchPool(size);
    const bank = new BankIndex(database, pool);
    pool.attach(bank);
    return { bank, matcher: pool };
  };
}

const implementations: [string, (database: Database) => { bank: BankIndex; matcher: PdqBatchMatcher }][] = [
  [
    'in process',
    (database) => {
      const bank = new BankIndex(database);
      return { bank, matcher: new InProcessPdqMatcher(bank) };
    },
  ],
  ['pool of 1', withPool(1)],
  ['pool of 3', withPool(3)],
];

describeStorage('PDQ batch matchers', ({ database }) => {
  for (const [name, make] of implementations) {
    it(`${name}: answers exactly as a brute-force scan, and follows withdrawals`, async () => {
      const made = make(database());
      const bank = made.bank;
      try {
        const values = Array.from({ length: 300 }, randomPdq);
        const ids = new Map<string, number>();
        await database().db.transaction(async (tx) => {
          for (const value of values) ids.set(value, (await upsertSignal(tx, { signalType: 'pdq', value, quality: 90, verified: false })).entryId);
        });
        await bank.refresh();
        const queries = [...values.slice(0, 50).map((v, i) => flipBits(v, i % 40)), ...Array.from({ length: 50 }, randomPdq)] as PdqHash[];
        const active = () => [...ids].filter(([, id]) => bank.entry(id) !== undefined);
        const brute = () =>
          queries.map((q) =>
            active()
              .map(([value, id]) => ({ id, distance: hammingDistance(q, value as PdqHash) }))
              .filter((m) => m.distance <= 31)
              .sort((a, b) => a.distance - b.distance || a.id - b.id),
          );
        const answer = async () => (await made.matcher.match(queries)).map((list) => list.map((m) => ({ id: m.entry.id, distance: m.distance })).sort((a, b) => a.distance - b.distance || a.id - b.id));
        const expected = brute();
        expect(expected.flat().length).toBeGreaterThan(20);
        expect(await answer()).toEqual(expected);
        // Withdraw ten of the matched hashes: they stop matching at the next refresh.
        await database().db.transaction(async (tx) => {
          for (const value of values.slice(0, 10)) await setStatus(tx, ids.get(value)!, 'withdrawn');
        });
        await bank.refresh();
        const after = brute();
        expect(after.flat().length).toBeLessThan(expected.flat().length);
        expect(await answer()).toEqual(after);
        // Leave the bank as the next implementation expects to find it: empty of active hashes.
        await database().db.transaction(async (tx) => {
          for (const id of ids.values()) await setStatus(tx, id, 'deleted');
        });
      } finally {
        await made.matcher.close();
      }
    });
  }
});

describeServer(
  'partner match on match threads',
  ({ server }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);
    it('matches a batch over HTTP through the pool, and a withdrawn hash stops matching', async () => {
      const partner = await createPartner(server(), { scopes: ['match'] });
      const pdq = randomPdq();
      const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `m-${Math.random()}` }, payload: { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' } });
      const token = opened.json<{ token: string }>().token;
      await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${token}` }, payload: { items: [{ type: 'photo', pdq, quality: 90 }] } });
      await server().bankIndex.refresh();
      const match = () => inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/match', payload: { hashes: [{ signalType: 'pdq', value: flipBits(pdq, 7) }, { signalType: 'pdq', value: randomPdq() }] } }));
      expect((await match()).json()).toMatchObject({ results: [{ ok: true, matches: [{ value: pdq, distance: 7 }] }, { ok: true, matches: [] }] });
      await inject({ method: 'POST', url: '/api/victim/case/withdraw', headers: { authorization: `Bearer ${token}` } });
      await server().bankIndex.refresh();
      expect((await match()).json()).toMatchObject({ results: [{ ok: true, matches: [] }, { ok: true, matches: [] }] });
    });
  },
  { env: { DISRUPT_MATCH_WORKERS: '2' } },
);
