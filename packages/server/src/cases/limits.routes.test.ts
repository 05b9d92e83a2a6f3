// The victim's doors under load, over HTTP on both back ends: sign-in is
// paused per case number (also for numbers that do not exist), the
// per-client budget is far looser so one shared address does not lock out
// everyone behind it, a forged left-most X-Forwarded-For does not buy a new
// budget, a sign-in that succeeds is given back, and opening cases is limited
// per client and in total — except for a retry of an opening already done.
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { describeServer } from '../../test/server.ts';

const openBody = { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' };
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A well-formed case number that no case has (the server's numbers are random; these are counted). */
const unusedNumber = (n: number) => {
  let body = '';
  for (let i = 0, v = n; i < 8; i++, v = Math.floor(v / 32)) body += ALPHABET[v % 32]!;
  return `DSR-${body.slice(0, 4)}-${body.slice(4)}`;
};
let next = 1_000_000;

describeServer(
  'victim sign-in limits',
  ({ server, logs }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);
    const signIn = (caseNumber: string, secret: string, remoteAddress: string, headers: Record<string, string> = {}) =>
      inject({ method: 'POST', url: '/api/victim/sessions', remoteAddress, headers, payload: { caseNumber, secret } });
    const openCase = async (remoteAddress: string) => {
      const response = await inject({ method: 'POST', url: '/api/victim/cases', remoteAddress, headers: { 'idempotency-key': `limits-${Math.random()}` }, payload: openBody });
      expect(response.statusCode).toBe(201);
      return response.json<{ caseNumber: string; secret: string }>();
    };

    it('pauses one case after 10 wrong secrets, and an unknown number alike, without locking another case from the same address', async () => {
      const shelter = '203.0.113.60';
      const first = await openCase('203.0.113.61');
      const second = await openCase('203.0.113.62');
      const unknown = unusedNumber(next++);
      const statuses = async (caseNumber: string) => {
        const seen: number[] = [];
        for (let i = 0; i < 11; i++) seen.push((await signIn(caseNumber, `WRONG-SECRET-${i}`, shelter)).statusCode);
        return seen;
      };
      const paused = [401, 401, 401, 401, 401, 401, 401, 401, 401, 429, 429];
      expect(await statuses(first.caseNumber)).toEqual(paused);
      expect(await statuses(unknown)).toEqual(paused);

      const right = await signIn(first.caseNumber, first.secret, '203.0.113.63');
      expect(right.statusCode).toBe(429);
      expect(right.json()).toMatchObject({ error: { code: 'sign_in_paused', message: expect.stringMatching(/^sign-in to this case is paused until \d{4}-\d\d-\d\dT[\d:.]+Z/) as unknown } });
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(14 * 60);
      const pausedUnknown = await signIn(unknown, 'ANY', '203.0.113.63');
      expect(pausedUnknown.json<{ error: { message: string } }>().error.message.replace(/until \S+/, '')).toBe(right.json<{ error: { message: string } }>().error.message.replace(/until \S+/, ''));

      // The shelter's other victim, at the same address, signs in.
      expect((await signIn(second.caseNumber, second.secret, shelter)).statusCode).toBe(200);
    });

    it('refuses a client after 100 attempts in 10 minutes with 429 and Retry-After, and only that client', async () => {
      const client = '203.0.113.50';
      for (let i = 0; i < 100; i++) {
        const response = await signIn(unusedNumber(next++), 'WRONG', client);
        expect(response.statusCode).toBe(401);
      }
      const refused = await signIn(unusedNumber(next++), 'WRONG', client);
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ error: { code: 'too_many_requests' } });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(9 * 60);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(10 * 60);
      expect(refused.headers['x-ratelimit-limit']).toBeUndefined();
      // Another client is not affected.
      expect((await signIn(unusedNumber(next++), 'WRONG', '203.0.113.51')).statusCode).toBe(401);
    });

    it('takes the client from the right-most trusted hop: a forged left-most X-Forwarded-For does not give a new budget', async () => {
      // DISRUPT_TRUST_PROXY lists 10.0.0.0/8: the proxy at 10.0.0.7 appends the address it saw, 198.51.100.23.
      const viaProxy = (forged: string) => ({ 'x-forwarded-for': `${forged}, 198.51.100.23` });
      for (let i = 0; i < 100; i++) {
        const response = await signIn(unusedNumber(next++), 'WRONG', '10.0.0.7', viaProxy(`100.64.${i}.${i + 1}`));
        expect(response.statusCode).toBe(401);
      }
      const refused = await signIn(unusedNumber(next++), 'WRONG', '10.0.0.7', viaProxy('100.64.200.200'));
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ error: { code: 'too_many_requests' } });
      // Another client behind the same proxy has its own budget.
      expect((await signIn(unusedNumber(next++), 'WRONG', '10.0.0.7', { 'x-forwarded-for': '100.64.1.1, 198.51.100.24' })).statusCode).toBe(401);
      // Not trusted, the header is ignored: the socket's address is the client (its own budget).
      expect((await signIn(unusedNumber(next++), 'WRONG', '203.0.113.99', { 'x-forwarded-for': '198.51.100.23' })).statusCode).toBe(401);
      // No address reaches the logs.
      for (const address of ['198.51.100.23', '198.51.100.24', '100.64.200.200', '10.0.0.7', '203.0.113.99']) expect(logs()).not.toContain(address);
    });
  },
  { env: { DISRUPT_TRUST_PROXY: '10.0.0.0/8' } },
);

describeServer(
  'victim budgets: successes given back, case openings limited',
  ({ server }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);
    const open = (remoteAddress: string, key = `open-${Math.random()}`) =>
      inject({ method: 'POST', url: '/api/victim/cases', remoteAddress, headers: { 'idempotency-key': key }, payload: openBody });

    it('does not count sign-ins that succeed against the client', async () => {
      // DISRUPT_SIGN_IN_PER_CLIENT is 5 here: ten victims sign in from one address, and a failure still fits.
      const shelter = '203.0.113.80';
      const opened = await Promise.all(Array.from({ length: 10 }, (_, i) => open(`203.0.113.${100 + i}`)));
      for (const response of opened) {
        const { caseNumber, secret } = response.json<{ caseNumber: string; secret: string }>();
        expect((await inject({ method: 'POST', url: '/api/victim/sessions', remoteAddress: shelter, payload: { caseNumber, secret } })).statusCode).toBe(200);
      }
      const wrong = () => inject({ method: 'POST', url: '/api/victim/sessions', remoteAddress: shelter, payload: { caseNumber: unusedNumber(next++), secret: 'WRONG' } });
      for (let i = 0; i < 5; i++) expect((await wrong()).statusCode).toBe(401);
      expect((await wrong()).statusCode).toBe(429);
    });

    it('limits openings per client and in total per hour, with 429 and Retry-After, but answers a retry of an opening already done', async () => {
      // DISRUPT_CASE_OPEN_PER_CLIENT is 3 and DISRUPT_CASE_OPEN_TOTAL 16 here; the test above opened 10.
      const client = '203.0.113.90';
      const first = await open(client, 'retry-me-0001');
      expect(first.statusCode).toBe(201);
      expect((await open(client)).statusCode).toBe(201);
      expect((await open(client)).statusCode).toBe(201);
      const refused = await open(client);
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ error: { code: 'too_many_requests', message: expect.stringContaining('from this network') as unknown } });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(59 * 60);

      // The retry of the first opening (its answer was lost) gets that case, budget spent or not, and spends nothing.
      const retried = await open(client, 'retry-me-0001');
      expect(retried.statusCode).toBe(201);
      expect(retried.json()).toEqual(first.json());
      // The same key with another body is still refused as before, not let through.
      const mismatch = await inject({ method: 'POST', url: '/api/victim/cases', remoteAddress: client, headers: { 'idempotency-key': 'retry-me-0001' }, payload: { ...openBody, language: 'fr' } });
      expect(mismatch.statusCode).toBe(429);

      // Everyone together: 13 of 16 are spent; three more clients open one each, the next is refused whoever it is.
      for (const other of ['203.0.113.91', '203.0.113.92', '203.0.113.93']) expect((await open(other)).statusCode).toBe(201);
      const full = await open('203.0.113.94');
      expect(full.statusCode).toBe(429);
      expect(full.json()).toMatchObject({ error: { code: 'too_many_requests', message: expect.stringContaining('too many reports') as unknown } });
      expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
    });
  },
  { env: { DISRUPT_SIGN_IN_PER_CLIENT: '5', DISRUPT_CASE_OPEN_PER_CLIENT: '3', DISRUPT_CASE_OPEN_TOTAL: '16' } },
);

describeServer(
  'case openings from IPv6: one budget per /48',
  ({ server }) => {
    it('counts every /64 of one subscriber\'s prefix against one budget, and another /48 apart', async () => {
      // A home line given a /56 holds 256 /64s: keyed by /64, it could open 256 × the allowance and spend everyone's.
      const open = (remoteAddress: string) =>
        server().app.inject({ method: 'POST', url: '/api/victim/cases', remoteAddress, headers: { 'idempotency-key': `v6-${Math.random()}` }, payload: openBody });
      for (const address of ['2001:db8:1:100::1', '2001:db8:1:200::1', '2001:db8:1:300::1']) expect((await open(address)).statusCode).toBe(201);
      expect((await open('2001:db8:1:ff00::5')).statusCode).toBe(429);
      expect((await open('2001:db8:2::1')).statusCode).toBe(201);
    });
  },
  { env: { DISRUPT_CASE_OPEN_PER_CLIENT: '3' } },
);
