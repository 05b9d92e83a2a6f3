// Fast unit tests of the partner plumbing: key format, rate limiter, StopNCII
// page tokens and record mapping, and the configuration it reads.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { asKey } from '../crypto/envelope.ts';
import { digestMatches, keyPrefix, newKey } from './partner-keys.ts';
import { RateLimiter } from './rate-limiter.ts';
import { PageTokens, toStopNcii } from './stopncii.routes.ts';
import type { FeedRecord } from './partner-feed.ts';

describe('partner keys', () => {
  it('carry a visible prefix of their kind and are checked against their digest only', () => {
    const key = newKey('api');
    expect(key.key.startsWith(`${key.prefix}_`)).toBe(true);
    expect(keyPrefix(key.key, 'api')).toBe(key.prefix);
    expect(keyPrefix(key.key, 'stopncii_function')).toBeNull();
    expect(keyPrefix(`${key.key}x`, 'api')).toBeNull();
    expect(digestMatches(key.key, key.digest)).toBe(true);
    expect(digestMatches(newKey('api').key, key.digest)).toBe(false);
    expect(key.digest).not.toContain(key.key.slice(key.prefix.length + 1));
  });
});

describe('rate limiter', () => {
  it('lets a key burst its minute, then one request per 60/limit seconds, each key apart', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const outcomes = Array.from({ length: 4 }, () => limiter.take('a', 3).ok);
    expect(outcomes).toEqual([true, true, true, false]);
    expect(limiter.take('b', 3).ok).toBe(true);
    const refused = limiter.take('a', 3);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 20 });
    now += 20_000;
    expect(limiter.take('a', 3).ok).toBe(true);
    expect(limiter.take('a', 3).ok).toBe(false);
  });
});

describe('StopNCII page tokens and records', () => {
  const tokens = new PageTokens(asKey(new Uint8Array(32).fill(3)));

  it('round-trips a token and refuses a forged or edited one', () => {
    const token = tokens.encode({ cursor: 1600, checkpoint: 1_790_000_000, start: 10 });
    expect(tokens.decode(token)).toEqual({ cursor: 1600, checkpoint: 1_790_000_000, start: 10 });
    const [body, mac] = token.split('.');
    const edited = Buffer.from(JSON.stringify({ v: 1, c: 0, t: 9_999_999_999, s: 10 })).toString('base64url');
    expect(tokens.decode(`${edited}.${mac!}`)).toBeNull();
    expect(tokens.decode(`${body!}.`)).toBeNull();
    expect(tokens.decode('garbage')).toBeNull();
    expect(new PageTokens(asKey(new Uint8Array(32).fill(4))).decode(token)).toBeNull();
  });

  it('maps bank statuses to the four strings the client knows, and leaves vPDQ out', () => {
    const base: FeedRecord = { entryId: 1, seq: 1, signalType: 'pdq', value: 'a'.repeat(64), quality: 90, verified: true, status: 'active', updatedAt: new Date(1_790_000_000_500), cases: [], feedback: [] };
    expect(toStopNcii(base)).toMatchObject({ hashStatus: 'Active', lastModtimestamp: 1_790_000_000, signalType: 'ImagePDQ' });
    expect(toStopNcii({ ...base, verified: false })?.hashStatus).toBe('Received');
    expect(toStopNcii({ ...base, status: 'withdrawn' })?.hashStatus).toBe('Withdrawn');
    expect(toStopNcii({ ...base, status: 'quarantined' })?.hashStatus).toBe('Withdrawn');
    expect(toStopNcii({ ...base, status: 'deleted' })?.hashStatus).toBe('Deleted');
    expect(toStopNcii({ ...base, signalType: 'md5', value: 'b'.repeat(32) })?.signalType).toBe('VideoMD5');
    expect(toStopNcii({ ...base, signalType: 'vpdq' })).toBeNull();
    expect(toStopNcii({ ...base, cases: [{ ref: 'r1', status: 'received' }, { ref: 'r2', status: 'withdrawn' }] })?.caseNumbers).toEqual({ r1: 'Received', r2: 'Withdrawn' });
  });
});

describe('partner configuration', () => {
  it('reads the partner settings, with defaults, and names a bad one', () => {
    const defaults = loadConfig({});
    expect(defaults.ok && defaults.config).toMatchObject({ partnerWebhookAllowHttp: false, partnerRateLimit: 600, disputeMinNotBlocked: 3, disputeMinPartners: 2 });
    const set = loadConfig({ DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP: 'true', DISRUPT_PARTNER_RATE_LIMIT: '60', DISRUPT_DISPUTE_MIN_NOT_BLOCKED: '5', DISRUPT_DISPUTE_MIN_PARTNERS: '3' });
    expect(set.ok && set.config).toMatchObject({ partnerWebhookAllowHttp: true, partnerRateLimit: 60, disputeMinNotBlocked: 5, disputeMinPartners: 3 });
    const bad = loadConfig({ DISRUPT_PARTNER_RATE_LIMIT: '0', DISRUPT_DISPUTE_MIN_PARTNERS: 'two' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.split(':')[0])).toEqual(['DISRUPT_PARTNER_RATE_LIMIT', 'DISRUPT_DISPUTE_MIN_PARTNERS']);
  });
});
