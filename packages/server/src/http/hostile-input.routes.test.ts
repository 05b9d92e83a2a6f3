// The public doors against bodies meant to hurt: oversize JSON refused from
// its Content-Length before a byte is read, NUL characters and lone
// surrogates anywhere (console, victim, partner, StopNCII) a 400 and never a
// 500 from the database, and a video's vPDQ list capped at the longest video
// we fingerprint.

import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DEFAULT_VIDEO_LIMITS } from '@disrupt/media';
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { as, consoleUser, type ConsoleLogin } from '../../test/console.ts';
import { createPartner, randomMd5, randomPdq, withKey } from '../../test/partners.ts';
import { describeServer } from '../../test/server.ts';
import { MAX_ITEMS_BODY_BYTES } from '../cases/case.routes.ts';
import { MAX_VPDQ_FRAMES } from '../cases/items.ts';
import type { PartnerCredentials } from '../partner/partner.service.ts';
import { PUBLIC_BODY_LIMIT, unsafeTextAt } from './app.ts';

const NUL = 'a\u0000b';
const LONE_HIGH = 'x\uD800y';
const LONE_LOW = '\uDC00';

it('finds NUL and lone surrogates at any depth, and lets paired surrogates (emoji) through', () => {
  expect(unsafeTextAt({ a: [{ b: 'ok' }, { c: NUL }] })).toEqual(['a', '1', 'c']);
  expect(unsafeTextAt([LONE_HIGH])).toEqual(['0']);
  expect(unsafeTextAt({ [LONE_LOW]: 1 })).toEqual(['*']);
  expect(unsafeTextAt({ note: 'souvenir 😀 été' })).toBeNull();
  // Deep nesting does not exhaust the stack.
  let deep: unknown = NUL;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  expect(unsafeTextAt(deep)?.length).toBe(100_000);
});

describeServer('hostile input', ({ server }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  let admin: ConsoleLogin;
  let partner: PartnerCredentials;
  let victimToken = '';

  beforeAll(async () => {
    admin = await consoleUser(server(), 'admin');
    partner = await createPartner(server());
    const opened = await inject({
      method: 'POST',
      url: '/api/victim/cases',
      headers: { 'idempotency-key': `hostile-${randomUUID()}` },
      payload: { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' },
    });
    expect(opened.statusCode).toBe(201);
    victimToken = opened.json<{ token: string }>().token;
  });

  const expectValidationFailed = (response: { statusCode: number; json: () => unknown; body: string }, where: string) => {
    expect(response.statusCode, `${where}: ${response.body}`).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
    expect(response.body).not.toContain('\u0000');
  };

  it('answers a 5 MB JSON body to a public route with 413 at once, from its Content-Length, before reading it', async () => {
    await server().app.listen({ host: '127.0.0.1', port: 0 });
    const address = server().app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    for (const path of ['/api/victim/sessions', '/api/victim/cases', '/api/console/login', '/api/console/enrol/finish']) {
      // Headers only: a server that waited for the body would never answer.
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(address.port, '127.0.0.1', () => {
          socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n{"caseNumber":"`);
        });
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
          if (text.includes('\r\n\r\n')) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on('error', reject);
        setTimeout(() => {
          socket.destroy();
          resolve(text);
        }, 5000).unref();
      });
      expect(answer.split('\r\n')[0], path).toBe('HTTP/1.1 413 Payload Too Large');
    }
    // Just under the cap is read and judged by the route (not a 413).
    const under = await inject({ method: 'POST', url: '/api/victim/sessions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ caseNumber: 'x'.repeat(PUBLIC_BODY_LIMIT - 40), secret: 'y' }) });
    expect(under.statusCode).toBe(400);
  });

  it('refuses a batch of items over its own cap with 413, and accepts a 4-hour video in a batch', async () => {
    const frame = (i: number) => ({ frame: i, quality: 100, pdq: randomPdq(), timestamp: i });
    const longest = { type: 'video', md5: randomMd5(), vpdq: Array.from({ length: MAX_VPDQ_FRAMES }, (_, i) => frame(i)) };
    expect(MAX_VPDQ_FRAMES).toBe(DEFAULT_VIDEO_LIMITS.maxDurationSeconds + 1);
    const one = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${victimToken}` }, payload: { items: [longest] } });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ results: [{ ok: true }] });
    const tooLong = { ...longest, md5: randomMd5(), vpdq: [...longest.vpdq, frame(MAX_VPDQ_FRAMES)] };
    const refused = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${victimToken}` }, payload: { items: [tooLong] } });
    expect(refused.json()).toMatchObject({ results: [{ ok: false, reason: 'too_many_frames' }] });
    const three = { items: [1, 2, 3].map(() => ({ ...longest, md5: randomMd5() })) };
    expect(JSON.stringify(three).length).toBeGreaterThan(MAX_ITEMS_BODY_BYTES);
    const tooBig = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${victimToken}` }, payload: three });
    expect(tooBig.statusCode).toBe(413);
  });

  it('answers NUL and lone surrogates with 400 on every kind of route, never a 500', async () => {
    expectValidationFailed(await inject(as(admin, { method: 'POST', url: '/api/console/hosts', payload: { domain: 'nul.example', name: NUL } })), 'console host name');
    expectValidationFailed(await inject(as(admin, { method: 'POST', url: '/api/console/hosts', payload: { domain: `x${LONE_HIGH}.example`, name: 'Lone' } })), 'console host domain');
    expectValidationFailed(await inject(as(admin, { method: 'GET', url: '/api/console/audit?action=a%00b' })), 'console audit filter');
    // A NUL in a path parameter routes nowhere: the empty 404.
    const inPath = await inject(as(admin, { method: 'GET', url: `/api/console/items/${randomUUID()}%00` }));
    expect([inPath.statusCode, inPath.json()]).toEqual([404, { error: { code: 'not_found', message: 'not found' } }]);
    expectValidationFailed(await inject(as(admin, { method: 'GET', url: "/api/console/audit?before=1%00&limit=2" })), "console query number");
    expectValidationFailed(
      await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${victimToken}` }, payload: { items: [{ type: 'url', url: `https://host${NUL}.example/x` }] } }),
      'a NUL in a reported host name',
    );
    expectValidationFailed(await inject({ method: 'POST', url: '/api/victim/sessions', payload: { caseNumber: NUL, secret: LONE_LOW } }), 'victim sign-in');
    expectValidationFailed(await inject({ method: 'POST', url: '/api/console/login', payload: { email: `a${NUL}@b.example`, password: 'x', code: '000000' } }), 'console sign-in');
    expectValidationFailed(await inject(withKey(partner.apiKey, { method: 'POST', url: '/api/partner/v1/feedback', payload: { items: [{ signalType: 'pdq', value: randomPdq(), feedback: 'Blocked', tags: [NUL] }] } })), 'partner feedback tags');
    expectValidationFailed(
      await inject({
        method: 'POST',
        url: '/stopncii/v1/SubmitHashes',
        headers: { 'ocp-apim-subscription-key': partner.stopncii.subscriptionKey, 'x-functions-key': partner.stopncii.functionKeys.SubmitHashes },
        payload: { count: 1, hashRecords: [{ lastModtimestamp: 0, signalType: 'ImagePDQ', hashValue: randomPdq(), CSPFeedbacks: [{ tags: [`tag${NUL}`], feedbackValue: 'Blocked' }] }] },
      }),
      'StopNCII SubmitHashes tags',
    );
  });
});
