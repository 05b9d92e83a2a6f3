// The StopNCII-compatible API driven exactly as Meta's python-threatexchange
// client (threatexchange/exchanges/clients/stopncii/api.py) and HMA's fetcher
// drive it: the same headers, query parameters and JSON bodies; paging with
// pageSize 800 until hasMoreRecords is false; nextSetTimestamp stored as the
// checkpoint and checked never to rewind (HMA asserts it); records parsed as
// the client's dataclasses parse them (any unknown enum string fails the
// record); feedback and hash submission as the client serialises them.
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { createPartner, randomMd5, randomPdq } from '../../test/partners.ts';
import { describeServer } from '../../test/server.ts';
import { importLines, removeSignal } from '../bank/bank-admin.ts';
import type { RunningServer } from '../server.ts';
import type { PartnerCredentials } from './partner.service.ts';

const SIGNAL_TYPES = new Set(['Unknown', 'ImagePDQ', 'VideoMD5', 'VideoTMK', 'Text', 'URL']);
const CASE_STATUSES = new Set(['Unknown', 'Received', 'Active', 'Withdrawn', 'Deleted']);
const FEEDBACK_VALUES = new Set(['Unknown', 'None', 'QualityUnknown', 'PendingReview', 'Blocked', 'NotBlocked', 'Withdrawn', 'Deleted']);

interface HashRecord {
  lastModtimestamp: number;
  signalType: string;
  hashValue: string;
  hashStatus: string;
  caseNumbers: Record<string, string>;
  CSPFeedbacks: { feedbackValue: string; tags: string[]; source: string }[];
}

interface FetchHashesResponse {
  count: number;
  nextPageToken: string | null;
  nextSetTimestamp: number;
  hasMoreRecords: boolean;
  hashRecords: HashRecord[];
}

/** What dacite.from_dict(StopNCIIHashRecord, …, Config(cast=[Enum, set])) accepts. */
function parsesAsClientRecord(record: unknown): boolean {
  const r = record as HashRecord;
  return (
    Number.isInteger(r.lastModtimestamp) &&
    SIGNAL_TYPES.has(r.signalType) &&
    typeof r.hashValue === 'string' &&
    CASE_STATUSES.has(r.hashStatus) &&
    typeof r.caseNumbers === 'object' &&
    Object.values(r.caseNumbers).every((s) => CASE_STATUSES.has(s)) &&
    Array.isArray(r.CSPFeedbacks) &&
    r.CSPFeedbacks.every((f) => FEEDBACK_VALUES.has(f.feedbackValue) && Array.isArray(f.tags) && typeof f.source === 'string')
  );
}

/** StopNCIIAPI, in TypeScript, over app.inject: the same requests the python client sends. */
class StopNciiClient {
  static readonly DEFAULT_START_TIME = 10;

  constructor(
    private readonly server: () => RunningServer,
    private readonly subscriptionKey: string,
    private readonly functionKeys: Partial<Record<'FetchHashes' | 'SubmitHashes' | 'SubmitFeedback', string>>,
  ) {}

  private headers(endpoint: 'FetchHashes' | 'SubmitHashes' | 'SubmitFeedback') {
    const key = this.functionKeys[endpoint];
    if (!key) throw new Error(`You don't have a function key for the endpoint ${endpoint}`);
    return { 'x-functions-key': key, 'Ocp-Apim-Subscription-Key': this.subscriptionKey };
  }

  async fetchHashes(options: { pageSize?: number; startTimestamp?: number; nextPage?: string } = {}): Promise<FetchHashesResponse> {
    const params = new URLSearchParams({ startTimestamp: String(options.startTimestamp ?? StopNciiClient.DEFAULT_START_TIME), pageSize: String(options.pageSize ?? 800) });
    if (options.nextPage) params.set('nextPageToken', options.nextPage);
    const response = await this.server().app.inject({ method: 'GET', url: `/stopncii/v1/FetchHashes?${params.toString()}`, headers: this.headers('FetchHashes') });
    expect(response.statusCode).toBe(200); // raise_for_status
    const json = response.json<FetchHashesResponse>();
    // Malformed records are skipped by the client (and logged): there must be none.
    expect(json.hashRecords.filter((r) => !parsesAsClientRecord(r))).toEqual([]);
    expect(typeof json.count).toBe('number');
    expect(json.nextPageToken === null || typeof json.nextPageToken === 'string').toBe(true);
    expect(Number.isInteger(json.nextSetTimestamp)).toBe(true);
    expect(typeof json.hasMoreRecords).toBe('boolean');
    return json;
  }

  async *fetchHashesIter(startTimestamp = StopNciiClient.DEFAULT_START_TIME): AsyncGenerator<FetchHashesResponse> {
    let hasMore = true;
    let nextPage = '';
    while (hasMore) {
      const result = await this.fetchHashes({ startTimestamp, nextPage });
      hasMore = result.hasMoreRecords;
      nextPage = result.nextPageToken ?? '';
      yield result;
    }
  }

  async submitFeedbacks(feedbacks: { hashValue: string; feedbackValue: string; tags: string[] }[]): Promise<unknown> {
    const payload = { count: feedbacks.length, hashFeedbacks: feedbacks.map((f) => ({ tags: f.tags, feedbackValue: f.feedbackValue, hashValue: f.hashValue })) };
    const response = await this.server().app.inject({ method: 'POST', url: '/stopncii/v1/SubmitFeedback', headers: this.headers('SubmitFeedback'), payload });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async submitHashes(hashes: { signalType: string; hashValue: string; feedbackValue: string; tags: string[] }[]): Promise<unknown> {
    const now = Math.floor(Date.now() / 1000);
    // str(StopNCIISignalType.ImagePDQ) in python is "StopNCIISignalType.ImagePDQ": the client sends that.
    const records = hashes.map((h) => ({ lastModtimestamp: now, signalType: `StopNCIISignalType.${h.signalType}`, hashValue: h.hashValue, CSPFeedbacks: [{ tags: h.tags, feedbackValue: h.feedbackValue }] }));
    const response = await this.server().app.inject({ method: 'POST', url: '/stopncii/v1/SubmitHashes', headers: this.headers('SubmitHashes'), payload: { count: hashes.length, hashRecords: records } });
    expect(response.statusCode).toBe(200);
    return response.json();
  }
}

/** HMA's fetch loop: merge deltas into a local copy, checkpoint never rewinds. */
async function hmaFetch(client: StopNciiClient, local: Map<string, HashRecord>, checkpoint: number | null): Promise<{ checkpoint: number; pages: number; records: number }> {
  let progress = checkpoint;
  let pages = 0;
  let records = 0;
  for await (const page of client.fetchHashesIter(checkpoint ?? StopNciiClient.DEFAULT_START_TIME)) {
    if (progress !== null) expect(progress).toBeLessThanOrEqual(page.nextSetTimestamp); // "checkpoint time rewound?"
    progress = page.nextSetTimestamp;
    pages++;
    records += page.hashRecords.length;
    for (const record of page.hashRecords) local.set(`${record.signalType}:${record.hashValue}`, record);
  }
  return { checkpoint: progress!, pages, records };
}

describeServer('StopNCII-compatible API', ({ server }) => {
  let partner: PartnerCredentials;
  let client: StopNciiClient;
  const pdqs = Array.from({ length: 1700 }, randomPdq);
  const md5s = Array.from({ length: 30 }, randomMd5);
  const local = new Map<string, HashRecord>();
  let checkpoint = 0;
  let victimToken = '';
  const victimPdq = randomPdq();

  const inject = (options: InjectOptions) => server().app.inject(options);

  beforeAll(async () => {
    partner = await createPartner(server(), { name: 'Platform A' });
    client = new StopNciiClient(server, partner.stopncii.subscriptionKey, partner.stopncii.functionKeys);
    const lines = [
      ...pdqs.map((value, i) => JSON.stringify({ signalType: 'pdq', value, quality: 90, verified: i % 2 === 0 })),
      ...md5s.map((value) => JSON.stringify({ signalType: 'md5', value })),
      JSON.stringify({ signalType: 'vpdq', value: `0,100,${randomPdq()},0` }),
    ];
    const report = await importLines(server().database, lines);
    expect(report.refused).toEqual([]);
    const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `s-${Math.random()}` }, payload: { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' } });
    victimToken = opened.json<{ token: string }>().token;
    const added = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${victimToken}` }, payload: { items: [{ type: 'photo', pdq: victimPdq, quality: 90 }] } });
    expect(added.statusCode).toBe(200);
  });

  it('pages the whole bank to the client with pageSize 800, checkpoint never rewinding, only known enum strings', async () => {
    const result = await hmaFetch(client, local, null);
    expect(result.pages).toBe(3); // 1731 records (vPDQ left out) at 800 a page
    expect(local.size).toBe(pdqs.length + md5s.length + 1);
    const record = local.get(`ImagePDQ:${pdqs[0]!}`)!;
    expect(record).toMatchObject({ signalType: 'ImagePDQ', hashStatus: 'Active', caseNumbers: {}, CSPFeedbacks: [] });
    expect(local.get(`ImagePDQ:${pdqs[1]!}`)!.hashStatus).toBe('Received'); // unverified
    expect(local.get(`VideoMD5:${md5s[0]!}`)!.hashStatus).toBe('Received');
    const victim = local.get(`ImagePDQ:${victimPdq}`)!;
    expect(Object.values(victim.caseNumbers)).toEqual(['Received']);
    expect(Object.keys(victim.caseNumbers)[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.checkpoint).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 120);
    checkpoint = result.checkpoint;
  });

  it('resumes from a checkpoint without losing a change, even from a checkpoint taken mid-run', async () => {
    // A run cut after its first page: HMA stored that page's checkpoint; resuming from it gives every later record.
    const first = await client.fetchHashes({ startTimestamp: 10 });
    expect(first.hasMoreRecords).toBe(true);
    const resumed = new Map<string, HashRecord>();
    const again = await hmaFetch(client, resumed, first.nextSetTimestamp);
    const lastModOfFirst = Math.max(...first.hashRecords.map((r) => r.lastModtimestamp));
    for (const [key, record] of local) if (record.lastModtimestamp >= lastModOfFirst) expect(resumed.has(key)).toBe(true);
    expect(again.checkpoint).toBeGreaterThanOrEqual(first.nextSetTimestamp);
    // Nothing new: a resumed run still answers, and its checkpoint does not move back.
    const idle = await hmaFetch(client, new Map(), checkpoint);
    expect(idle.checkpoint).toBeGreaterThanOrEqual(checkpoint);
    const future = await client.fetchHashes({ startTimestamp: Math.floor(Date.now() / 1000) + 3600 });
    expect(future).toEqual({ count: 0, nextPageToken: null, nextSetTimestamp: Math.floor(Date.now() / 1000) + 3600, hasMoreRecords: false, hashRecords: [] });
  });

  it('takes feedback by value with the partner name as source, and shows it to every partner', async () => {
    const answer = await client.submitFeedbacks([
      { hashValue: pdqs[0]!.toUpperCase(), feedbackValue: 'Blocked', tags: ['nudity'] },
      { hashValue: md5s[0]!, feedbackValue: 'PendingReview', tags: [] },
      { hashValue: randomPdq(), feedbackValue: 'Blocked', tags: [] },
      { hashValue: 'not-a-hash', feedbackValue: 'Blocked', tags: [] },
      { hashValue: md5s[1]!, feedbackValue: 'None', tags: ['x'] },
    ]);
    expect(answer).toEqual({
      count: 5,
      accepted: 2,
      rejected: [
        { index: 2, reason: 'unknown_hash' },
        { index: 3, reason: 'malformed_hash' },
        { index: 4, reason: 'unsupported_feedback_value' },
      ],
    });
    const other = await createPartner(server(), { name: 'Platform B' });
    const otherClient = new StopNciiClient(server, other.stopncii.subscriptionKey, other.stopncii.functionKeys);
    const seen = new Map<string, HashRecord>();
    const run = await hmaFetch(otherClient, seen, checkpoint);
    expect(run.checkpoint).toBeGreaterThanOrEqual(checkpoint);
    expect(seen.get(`ImagePDQ:${pdqs[0]!}`)!.CSPFeedbacks).toEqual([{ source: 'Platform A', feedbackValue: 'Blocked', tags: ['nudity'] }]);
    expect(seen.get(`VideoMD5:${md5s[0]!}`)!.CSPFeedbacks).toEqual([{ source: 'Platform A', feedbackValue: 'PendingReview', tags: [] }]);
  });

  it('accepts hashes the client submits, unverified (Received)', async () => {
    const value = randomPdq();
    const answer = await client.submitHashes([
      { signalType: 'ImagePDQ', hashValue: value, feedbackValue: 'Blocked', tags: ['csp'] },
      { signalType: 'VideoTMK', hashValue: 'abc', feedbackValue: 'Blocked', tags: [] },
    ]);
    expect(answer).toEqual({ count: 2, accepted: 1, rejected: [{ index: 1, reason: 'unsupported_signal_type' }] });
    const plain = await inject({ method: 'POST', url: '/stopncii/v1/SubmitHashes', headers: { 'x-functions-key': partner.stopncii.functionKeys.SubmitHashes, 'Ocp-Apim-Subscription-Key': partner.stopncii.subscriptionKey }, payload: { count: 1, hashRecords: [{ lastModtimestamp: 1, signalType: 'VideoMD5', hashValue: randomMd5(), CSPFeedbacks: [] }] } });
    expect(plain.json()).toEqual({ count: 1, accepted: 1, rejected: [] });
    const run = await hmaFetch(client, local, checkpoint);
    checkpoint = run.checkpoint;
    expect(local.get(`ImagePDQ:${value}`)).toMatchObject({ hashStatus: 'Received', CSPFeedbacks: [{ source: 'Platform A', feedbackValue: 'Blocked', tags: ['csp'] }] });
  });

  it('sends tombstones after `disrupt bank remove` and after a victim withdraws', async () => {
    expect(await removeSignal(server().database, 'pdq', pdqs[5]!)).toBe('deleted');
    const withdraw = await inject({ method: 'POST', url: '/api/victim/case/withdraw', headers: { authorization: `Bearer ${victimToken}` } });
    expect(withdraw.statusCode).toBe(200);
    const run = await hmaFetch(client, local, checkpoint);
    expect(run.checkpoint).toBeGreaterThanOrEqual(checkpoint);
    expect(local.get(`ImagePDQ:${pdqs[5]!}`)!.hashStatus).toBe('Deleted');
    expect(local.get(`ImagePDQ:${victimPdq}`)).toMatchObject({ hashStatus: 'Withdrawn', caseNumbers: {} });
    // A partner that starts from scratch gets the tombstones too.
    const fresh = new Map<string, HashRecord>();
    await hmaFetch(client, fresh, null);
    expect(fresh.get(`ImagePDQ:${pdqs[5]!}`)!.hashStatus).toBe('Deleted');
    expect(fresh.get(`ImagePDQ:${victimPdq}`)!.hashStatus).toBe('Withdrawn');
  });

  it('refuses missing or mismatched keys (401), bad tokens, counts and oversize batches (4xx), always with a JSON body', async () => {
    const url = '/stopncii/v1/FetchHashes?startTimestamp=10&pageSize=800';
    const keys = partner.stopncii;
    const status = async (headers: Record<string, string>, target = url) => {
      const response = await inject({ method: 'GET', url: target, headers });
      expect(() => response.json<unknown>()).not.toThrow();
      return response.statusCode;
    };
    expect(await status({})).toBe(401);
    expect(await status({ 'Ocp-Apim-Subscription-Key': keys.subscriptionKey })).toBe(401);
    expect(await status({ 'x-functions-key': keys.functionKeys.FetchHashes })).toBe(401);
    expect(await status({ 'Ocp-Apim-Subscription-Key': keys.subscriptionKey, 'x-functions-key': keys.functionKeys.SubmitFeedback })).toBe(401);
    const other = await createPartner(server());
    expect(await status({ 'Ocp-Apim-Subscription-Key': keys.subscriptionKey, 'x-functions-key': other.stopncii.functionKeys.FetchHashes })).toBe(401);
    const good = { 'Ocp-Apim-Subscription-Key': keys.subscriptionKey, 'x-functions-key': keys.functionKeys.FetchHashes };
    expect(await status(good)).toBe(200);
    expect(await status(good, `${url}&nextPageToken=forged`)).toBe(400);
    const page = (await inject({ method: 'GET', url: url.replace('800', '5'), headers: good })).json<FetchHashesResponse>();
    expect(await status(good, `/stopncii/v1/FetchHashes?startTimestamp=11&pageSize=5&nextPageToken=${encodeURIComponent(page.nextPageToken!)}`)).toBe(400);
    expect(await status(good, '/stopncii/v1/FetchHashes?startTimestamp=10&pageSize=100000')).toBe(400);

    const feedbackHeaders = { 'Ocp-Apim-Subscription-Key': keys.subscriptionKey, 'x-functions-key': keys.functionKeys.SubmitFeedback };
    const mismatch = await inject({ method: 'POST', url: '/stopncii/v1/SubmitFeedback', headers: feedbackHeaders, payload: { count: 3, hashFeedbacks: [] } });
    expect(mismatch.statusCode).toBe(400);
    const oversize = await inject({ method: 'POST', url: '/stopncii/v1/SubmitFeedback', headers: feedbackHeaders, payload: { count: 1001, hashFeedbacks: Array.from({ length: 1001 }, () => ({ hashValue: randomMd5(), feedbackValue: 'Blocked', tags: [] })) } });
    expect(oversize.statusCode).toBe(413);
    const malformed = await inject({ method: 'POST', url: '/stopncii/v1/SubmitFeedback', headers: feedbackHeaders, payload: { count: 'x' } });
    expect(malformed.statusCode).toBe(400);

    await server().partners.revoke(partner.name, 'system');
    expect(await status(good)).toBe(401);
  });
});
