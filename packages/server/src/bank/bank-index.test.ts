import { type Md5Hash, type PdqHash, parseVpdqLine } from '@disrupt/hashing';
import { expect, it } from 'vitest';
import { describeStorage } from '../../test/databases.ts';
import { randomKey } from '../crypto/envelope.ts';
import { CaseService } from '../cases/case.service.ts';
import { removeSignal } from './bank-admin.ts';
import { BankIndex } from './bank-index.ts';

const PDQ = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22' as PdqHash;
const NEAR = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b2d' as PdqHash;
const MD5 = '9108849f0d0bb6d3c40844f4eb72767b' as Md5Hash;
const pdqFor = (n: number) => n.toString(16).padStart(8, '0').repeat(8);

describeStorage('bank index', ({ database }) => {
  it('follows the bank: additions match after a refresh, withdrawals and deletions stop matching', async () => {
    const cases = new CaseService({ database: database(), masterKey: randomKey() });
    const index = new BankIndex(database());
    expect(await index.refresh()).toBe(0);

    const opened = await cases.openCase({ situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' });
    const caseId = (await cases.caseOfSession(opened.token))!;
    const frames = [0, 1, 2, 3].map((i) => ({ frame: i * 30, quality: 100, pdq: pdqFor(100 + i), timestamp: i }));
    await cases.addItems(caseId, [
      { type: 'photo', pdq: PDQ, quality: 90 },
      { type: 'video', md5: MD5, vpdq: frames },
    ]);
    expect(index.matchPdq(NEAR)).toEqual([]); // not refreshed yet
    expect(await index.refresh()).toBe(3);
    expect(index.matchPdq(NEAR).map((m) => [m.entry.value, m.distance])).toEqual([[PDQ, 4]]);
    expect(index.matchMd5(MD5).map((e) => e.signalType)).toEqual(['md5']);
    const query = frames.map((f) => {
      const line = parseVpdqLine(`${f.frame},${f.quality},${f.pdq},${f.timestamp}`);
      if (!line.ok) throw new Error('bad frame');
      return line.value;
    });
    expect(index.matchVpdq(query)).toHaveLength(1);

    await removeSignal(database(), 'md5', MD5);
    await index.refresh();
    expect(index.matchMd5(MD5)).toEqual([]);
    expect(index.matchPdq(NEAR)).toHaveLength(1);

    await cases.withdraw(caseId);
    await index.refresh();
    expect(index.matchPdq(NEAR)).toEqual([]);
    expect(index.matchVpdq(query)).toEqual([]);
    expect(index.size).toBe(0);

    // A fresh process builds the same state from the whole feed.
    const fresh = new BankIndex(database());
    await fresh.refresh();
    expect(fresh.size).toBe(0);
    expect(fresh.seq).toBe(index.seq);
  });
});
