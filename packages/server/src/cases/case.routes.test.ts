// Victims' cases over HTTP, on both back ends: the whole path, every kind of
// bad input, and proof that nothing sensitive reaches the logs.
import type { InjectOptions } from 'fastify';
import { expect, it } from 'vitest';
import { describeServer } from '../../test/server.ts';

const PDQ = 'd8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22';
const MD5 = '9108849f0d0bb6d3c40844f4eb72767b';
const openBody = { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en', description: 'posted on a forum by my ex', contact: { email: 'person@example.org' } };

const pdqFor = (n: number) => n.toString(16).padStart(8, '0').repeat(8);

const METRICS_TOKEN = 'victim-api-test-metrics-token';

describeServer('victim API', ({ server, logs }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  const secretsSeen: string[] = [];

  async function openCase(key = `key-${Math.random().toString(36).slice(2)}`) {
    const response = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': key }, payload: openBody });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ caseNumber: string; secret: string; token: string }>();
    secretsSeen.push(body.secret, body.token);
    return body;
  }
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  it('opens a case, fills it with 500 items in batches, reads it back, and withdraws it', async () => {
    const { caseNumber, secret, token } = await openCase();
    expect(caseNumber).toMatch(/^DSR-/);
    for (let b = 0; b < 5; b++) {
      const items = Array.from({ length: 100 }, (_, i) => {
        const n = b * 100 + i;
        if (n % 3 === 0) return { type: 'url', url: `https://site${n % 5}.example.com/v/${n}` };
        if (n % 3 === 1) return { type: 'photo', pdq: pdqFor(n + 1), quality: 90 };
        return { type: 'video', md5: n.toString(16).padStart(32, '0'), vpdq: [{ frame: 0, quality: 100, pdq: pdqFor(n + 1), timestamp: 0 }] };
      });
      const response = await inject({ method: 'POST', url: '/api/victim/case/items', headers: auth(token), payload: { items } });
      expect(response.statusCode).toBe(200);
      expect(response.json<{ results: { ok: boolean }[] }>().results.every((r) => r.ok)).toBe(true);
    }
    // Signing in again with the secret gives a new session.
    const signIn = await inject({ method: 'POST', url: '/api/victim/sessions', payload: { caseNumber, secret } });
    expect(signIn.statusCode).toBe(200);
    const token2 = signIn.json<{ token: string }>().token;
    secretsSeen.push(token2);

    const positions: number[] = [];
    let after = 0;
    for (;;) {
      const page = await inject({ method: 'GET', url: `/api/victim/case?after=${after}&limit=200`, headers: auth(token2) });
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      const body = page.json<{ itemCount: number; items: { position: number }[]; nextAfter: number | null; contact: unknown }>();
      expect(body.itemCount).toBe(500);
      expect(body.contact).toEqual({ email: 'person@example.org' });
      positions.push(...body.items.map((i) => i.position));
      if (body.nextAfter === null) break;
      after = body.nextAfter;
    }
    expect(positions).toHaveLength(500);

    const withdraw = await inject({ method: 'POST', url: '/api/victim/case/withdraw', headers: auth(token2) });
    expect(withdraw.json()).toEqual({ status: 'withdrawn' });
    expect((await inject({ method: 'GET', url: '/api/victim/case', headers: auth(token2) })).statusCode).toBe(401);
    const again = await inject({ method: 'POST', url: '/api/victim/sessions', payload: { caseNumber, secret } });
    expect(again.statusCode).toBe(200);
    const view = await inject({ method: 'GET', url: '/api/victim/case?limit=3', headers: auth(again.json<{ token: string }>().token) });
    expect(view.json()).toMatchObject({ status: 'withdrawn', contact: null, description: null });
  });

  it('replays an idempotency key with the same answer, and refuses it for another body', async () => {
    const first = await openCase('same-key-123');
    const replay = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': 'same-key-123' }, payload: openBody });
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(first);
    const other = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': 'same-key-123' }, payload: { ...openBody, language: 'fr' } });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ error: { code: 'idempotency_mismatch' } });
    const missing = await inject({ method: 'POST', url: '/api/victim/cases', payload: openBody });
    expect(missing.statusCode).toBe(400);
  });

  it('answers a wrong secret and an unknown case the same way', async () => {
    const { caseNumber } = await openCase();
    const wrong = await inject({ method: 'POST', url: '/api/victim/sessions', payload: { caseNumber, secret: 'AAAA-BBBB' } });
    const unknown = await inject({ method: 'POST', url: '/api/victim/sessions', payload: { caseNumber: 'DSR-0000-0000', secret: 'AAAA-BBBB' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
  });

  it('pauses sign-in to a case number after repeated failures (limits.routes.test.ts has the rest)', async () => {
    let last = 0;
    for (let i = 0; i < 11; i++) {
      last = (await inject({ method: 'POST', url: '/api/victim/sessions', remoteAddress: '203.0.113.9', payload: { caseNumber: 'DSR-0000-0001', secret: 'x' } })).statusCode;
    }
    expect(last).toBe(429);
  });

  it('refuses bad input with clear 4xx answers that echo nothing', async () => {
    const { token } = await openCase();
    const malformedJson = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { ...auth(token), 'content-type': 'application/json' }, payload: '{"items": [' });
    expect(malformedJson.statusCode).toBe(400);
    expect(malformedJson.json()).toMatchObject({ error: { code: 'bad_request' } });

    const wrongShape = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': 'shape-key-1' }, payload: { ...openBody, situation: 'secret-situation', contact: { email: 'not-an-email-secret' } } });
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json()).toMatchObject({ error: { code: 'validation_failed' } });
    expect(wrongShape.body).not.toContain('secret-situation');
    expect(wrongShape.body).not.toContain('not-an-email-secret');

    const items = await inject({
      method: 'POST',
      url: '/api/victim/case/items',
      headers: auth(token),
      payload: { items: [{ type: 'photo', pdq: 'ff', quality: 90 }, { type: 'photo', pdq: PDQ, quality: 10 }, { type: 'url', url: 'http://169.254.169.254/' }, { type: 'video', md5: 'x', vpdq: [] }, { type: 'photo', pdq: PDQ, quality: 80, md5: MD5 }] },
    });
    expect(items.statusCode).toBe(200);
    expect(items.json<{ results: unknown[] }>().results).toEqual([
      { index: 0, ok: false, reason: 'malformed_pdq' },
      { index: 1, ok: false, reason: 'low_quality' },
      { index: 2, ok: false, reason: 'url_not_public' },
      { index: 3, ok: false, reason: 'malformed_md5' },
      { index: 4, ok: true, itemId: expect.any(String) as unknown, duplicate: false },
    ]);
    expect(items.body).not.toContain(PDQ);

    const tooMany = await inject({ method: 'POST', url: '/api/victim/case/items', headers: auth(token), payload: { items: Array.from({ length: 501 }, () => ({ type: 'url', url: 'https://a.example' })) } });
    expect(tooMany.statusCode).toBe(400);
    const oversize = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { ...auth(token), 'content-type': 'application/json' }, payload: `{"items":["${'a'.repeat(110 * 1024 * 1024)}"]}` });
    expect(oversize.statusCode).toBe(413);
    const wrongType = await inject({ method: 'POST', url: '/api/victim/case/items', headers: { ...auth(token), 'content-type': 'text/plain' }, payload: 'items' });
    expect(wrongType.statusCode).toBe(415);
    expect((await inject({ method: 'GET', url: '/api/victim/case', headers: { authorization: 'Bearer not-a-real-token-xxxxxxxxxxxx' } })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/victim/case' })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/victim/nothing-here' })).json()).toEqual({ error: { code: 'not_found', message: 'not found' } });
  });

  it('refuses, item by item, a URL whose host is a special-purpose address in any spelling or holds control characters', async () => {
    const { token } = await openCase();
    const notPublic = ['http://[::127.0.0.1]/x', 'http://[::ffff:0:7f00:1]/', 'http://[0:0:0:0:0:FFFF:7F00:1]/', 'http://[64:ff9b::a00:1]/', 'http://[2002:a00:1::1]/', 'http://0x7f.1/', 'http://2130706433/', 'http://198.18.0.1/', 'http://192.0.0.170/', 'http://[fec0::1]/'];
    // A raw NUL is refused for the whole request (400, as anywhere: see http/hostile-input.routes.test.ts); encoded, or another control character, per item.
    const malformed = ['http://exa%00mple.com/', 'http://exa\u0085mple.com/', 'http://exa\u0007mple.com/', 'http://[::1%00]/'];
    const items = [...notPublic, ...malformed, 'https://images.example/ok'].map((url) => ({ type: 'url', url }));
    const response = await inject({ method: 'POST', url: '/api/victim/case/items', headers: auth(token), payload: { items } });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ results: unknown[] }>().results).toEqual([
      ...notPublic.map((_, index) => ({ index, ok: false, reason: 'url_not_public' })),
      ...malformed.map((_, i) => ({ index: notPublic.length + i, ok: false, reason: 'malformed_url' })),
      { index: items.length - 1, ok: true, itemId: expect.any(String) as unknown, duplicate: false },
    ]);
  });

  it('serves health, readiness, metrics by route pattern, and the OpenAPI document', async () => {
    expect((await inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const metrics = await inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.body).toContain('http_requests_total{method="POST",route="/api/victim/case/items"');
    expect(metrics.body).not.toMatch(/after=\d/);
    const openapi = await inject({ method: 'GET', url: '/api/openapi.json' });
    const doc = openapi.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/victim/cases', '/api/victim/sessions', '/api/victim/case', '/api/victim/case/items', '/api/victim/case/withdraw']));
    const docs = await inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    expect(docs.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z]/i);
    const headers = (await inject({ method: 'GET', url: '/healthz' })).headers;
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
  });

  it('logs routes and statuses, and no secret, token, contact, hash, URL or address', () => {
    const text = logs();
    expect(text).toContain('"route":"/api/victim/case/items"');
    expect(secretsSeen.length).toBeGreaterThan(4);
    for (const secret of secretsSeen) expect(text).not.toContain(secret);
    for (const needle of ['person@example.org', 'forum', PDQ, pdqFor(2), 'site1.example.com', '203.0.113.9', '127.0.0.1', 'lightMyRequest']) expect(text).not.toContain(needle);
  });
}, { env: { DISRUPT_METRICS_TOKEN: METRICS_TOKEN } });
