import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isLocal, launchChromium, recordRequests } from '../../../../test/browser.ts';
import { type Config, loadConfig } from '../config.ts';
import { AppError, ERROR_CODES, HTTP_STATUS } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { access } from './access.ts';
import { type App, type AppPlugin, buildApp, errorResponseSchema } from './app.ts';

const SECRET = 'sk-live-0f9e8d7c6b5a49382716';
const HASH = 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22';
const CASE_NUMBER = 'DSR-7KQ4-9XW2';
const USER_AGENT = 'VictimPhone/1.0 (Android 14)';
const CLIENT_IP = '203.0.113.9';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

function testConfig(overrides: Record<string, string> = {}): Config {
  const result = loadConfig({ DISRUPT_MAX_UPLOAD_BYTES: '1024', ...overrides });
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.config;
}

function captureLogs(): { logger: ReturnType<typeof createLogger>; text: () => string; lines: () => Record<string, unknown>[] } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination }),
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Routes like the real ones: zod-validated params, query and body, typed replies, and failures of every kind. */
const testRoutes: AppPlugin = (app) => {
  app.post(
    '/test/items/:itemId',
    {
      config: { access: access.public },
      schema: {
        params: z.object({ itemId: z.string().min(3) }),
        body: z.object({ value: z.string().regex(/^[0-9a-f]{64}$/), count: z.number().int().min(1), note: z.string().max(10).optional() }),
        response: { 201: z.object({ accepted: z.number() }), 400: errorResponseSchema },
      },
    },
    (request, reply) => {
      reply.code(201);
      return { accepted: request.body.count };
    },
  );
  app.get('/test/list', { config: { access: access.public }, schema: { querystring: z.object({ limit: z.coerce.number().int().max(100) }) } }, (request) => ({ limit: request.query.limit }));
  app.get('/test/cases/:caseNumber', { config: { access: access.public }, schema: { params: z.object({ caseNumber: z.string() }) } }, () => ({ found: true }));
  app.get('/test/fail/:code', { config: { access: access.public }, schema: { params: z.object({ code: z.enum(ERROR_CODES) }) } }, (request) => {
    const { code } = request.params;
    throw new AppError(code, undefined, code === 'too_many_requests' ? { retryAfterSeconds: 42 } : {});
  });
  app.get('/test/crash', { config: { access: access.public } }, () => {
    throw new Error(`connection to postgres://admin:${SECRET}@db failed near ${HASH}`);
  });
  app.get('/test/throws-string', { config: { access: access.public } }, () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what careless code does; the handler must cope
    throw SECRET;
  });
  app.get('/test/bad-reply', { config: { access: access.public }, schema: { response: { 200: z.object({ n: z.number() }) } } }, () => ({ n: `not a number ${SECRET}` }) as unknown as { n: number });
  return Promise.resolve();
};

describe('buildApp', () => {
  let app: App;
  let logs: ReturnType<typeof captureLogs>;
  let ready = true;
  let readinessThrows = false;

  beforeAll(async () => {
    logs = captureLogs();
    app = await buildApp({
      config: testConfig(),
      logger: logs.logger,
      plugins: [testRoutes],
      authenticators: { metricsToken: METRICS_TOKEN },
      readiness: () => (readinessThrows ? Promise.reject(new Error(`database ${SECRET} unreachable`)) : Promise.resolve(ready)),
    });
  });
  afterAll(async () => {
    await app.close();
  });

  // Every request comes from a victim's phone, through a proxy: neither its address nor its user agent may reach the logs.
  const inject = (options: InjectOptions) => app.inject({ remoteAddress: CLIENT_IP, ...options, headers: { 'user-agent': USER_AGENT, 'x-forwarded-for': CLIENT_IP, ...options.headers } });
  const post = (payload: string, contentType = 'application/json') => inject({ method: 'POST', url: '/test/items/item-1', headers: { 'content-type': contentType }, payload });

  it('accepts a valid request and serialises the typed reply', async () => {
    const response = await post(JSON.stringify({ value: HASH, count: 3 }));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ accepted: 3 });
  });

  it('answers malformed, empty or poisoned JSON with 400 bad_request', async () => {
    for (const payload of ['{"value": ', '', '{"__proto__": {"admin": true}, "value": "x", "count": 1}']) {
      const response = await post(payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'bad_request' } });
    }
  });

  it('answers a schema violation with 400 validation_failed, the paths, and never the submitted values', async () => {
    const response = await post(JSON.stringify({ value: `${SECRET}-not-a-hash`, count: 'many', note: 'x'.repeat(11), extra: 'ignored' }));
    expect(response.statusCode).toBe(400);
    const body = response.json<{ error: { code: string; details: { path: string; message: string }[] } }>();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['body.count', 'body.note', 'body.value']);
    for (const detail of body.error.details) expect(detail.message).not.toBe('');
    expect(response.body).not.toContain(SECRET);
    expect(response.body).not.toContain('many');
    expect(response.body).not.toContain('xxxxxxxxxxx');
  });

  it('says where validation failed: params, querystring', async () => {
    const params = await inject({ method: 'POST', url: '/test/items/ab', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ value: HASH, count: 1 }) });
    expect(params.statusCode).toBe(400);
    expect(params.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ path: 'params.itemId' }] } });
    const query = await inject({ method: 'GET', url: '/test/list?limit=1000' });
    expect(query.statusCode).toBe(400);
    expect(query.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ path: 'querystring.limit' }] } });
    expect((await inject({ method: 'GET', url: '/test/list?limit=5' })).json()).toEqual({ limit: 5 });
  });

  it('answers a body over the limit with 413', async () => {
    const response = await post(JSON.stringify({ value: HASH, count: 1, note: 'x'.repeat(2000) }));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers a body that is not JSON with 415', async () => {
    for (const contentType of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const response = await post('value=1', contentType);
      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    }
  });

  it('answers each AppError code with its status and the one error shape', async () => {
    for (const code of ERROR_CODES) {
      const response = await inject({ method: 'GET', url: `/test/fail/${code}` });
      expect(response.statusCode, code).toBe(HTTP_STATUS[code]);
      expect(response.json()).toEqual({ error: { code, message: expect.any(String) as unknown } });
    }
    const throttled = await inject({ method: 'GET', url: '/test/fail/too_many_requests' });
    expect(throttled.headers['retry-after']).toBe('42');
    expect((await inject({ method: 'GET', url: '/test/fail/idempotency_mismatch' })).statusCode).toBe(422);
  });

  it('answers anything else thrown with a generic 500, and logs its class and stack but not its message', async () => {
    for (const url of ['/test/crash', '/test/throws-string', '/test/bad-reply']) {
      const response = await inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(500);
      expect(response.json()).toEqual({ error: { code: 'internal', message: 'an internal error occurred' } });
      for (const needle of [SECRET, HASH, 'postgres', ' at ']) expect(response.body).not.toContain(needle);
    }
    const failures = logs.lines().filter((l) => l.msg === 'request failed');
    expect(failures.find((l) => l.route === '/test/crash')).toMatchObject({ level: 50, method: 'GET', err: { type: 'Error', stack: expect.stringContaining('app.test.ts') as unknown } });
    expect(failures.find((l) => l.route === '/test/throws-string')).toMatchObject({ level: 50, err: { type: 'string' } });
    expect(failures.find((l) => l.route === '/test/bad-reply')).toMatchObject({ level: 50, err: { code: 'FST_ERR_RESPONSE_SERIALIZATION' } });
    // A deliberate 503 is a warning, not an error.
    expect(failures.find((l) => l.route === '/test/fail/:code')).toMatchObject({ level: 40, err: { type: 'AppError' } });
    expect(logs.text()).not.toContain(SECRET);
    expect(logs.text()).not.toContain(HASH);
  });

  it('answers unknown routes with 404 in the same shape', async () => {
    for (const [method, url] of [
      ['GET', '/nothing/here'],
      ['DELETE', '/test/list'],
      ['GET', `/api/victim/cases/${CASE_NUMBER}`],
    ] as const) {
      const response = await inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'not_found', message: 'not found' } });
    }
  });

  it('serves /healthz, and /readyz from the readiness check: 200, then 503 when false or throwing', async () => {
    expect((await inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const readyResponse = await inject({ method: 'GET', url: '/readyz' });
    expect(readyResponse.statusCode).toBe(200);
    expect(readyResponse.json()).toEqual({ status: 'ready' });
    ready = false;
    expect((await inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    ready = true;
    readinessThrows = true;
    const failed = await inject({ method: 'GET', url: '/readyz' });
    expect(failed.statusCode).toBe(503);
    expect(failed.body).not.toContain(SECRET);
    readinessThrows = false;
    expect((await inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('counts requests by route pattern in /metrics, never by raw URL', async () => {
    await inject({ method: 'GET', url: `/test/cases/${CASE_NUMBER}?ref=${HASH}` });
    await inject({ method: 'GET', url: `/unknown/${CASE_NUMBER}` });
    const response = await inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/http_requests_total\{method="GET",route="\/test\/cases\/:caseNumber",status="200"\} [1-9]/);
    expect(response.body).toContain('http_requests_total{method="GET",route="unmatched",status="404"}');
    expect(response.body).toContain('http_request_duration_seconds_bucket{le="0.005",method="GET",route="/test/cases/:caseNumber"}');
    expect(response.body).toContain('process_cpu_user_seconds_total'); // default metrics
    expect(response.body).not.toContain(CASE_NUMBER);
    expect(response.body).not.toContain(HASH);
  });

  it('serves /metrics only with the operator\'s bearer token', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${METRICS_TOKEN}x`, METRICS_TOKEN, `Basic ${METRICS_TOKEN}`]) {
      const response = await inject({ method: 'GET', url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain('http_requests_total');
    }
    const unset = await buildApp({ config: testConfig(), logger: createLogger({ level: 'silent' }) });
    try {
      const response = await unset.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('http_requests_total');
    } finally {
      await unset.close();
    }
  });

  it('sends the browser policy headers, and HSTS only for HTTPS through a trusted proxy', async () => {
    const response = await inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    expect(response.headers['permissions-policy']).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
    // This app trusts no proxy: a client's X-Forwarded-Proto is not believed.
    expect(response.headers['strict-transport-security']).toBeUndefined();
    const proxied = await buildApp({ config: testConfig({ DISRUPT_TRUST_PROXY: 'true' }), logger: createLogger({ level: 'silent' }) });
    try {
      const https = await proxied.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
      expect(https.headers['strict-transport-security']).toMatch(/^max-age=\d{8,}/);
      const http = await proxied.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'http' } });
      expect(http.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await proxied.close();
    }
  });

  it('refuses to start when a route declares no access, naming every such route', async () => {
    const undeclared: AppPlugin = (app) => {
      app.get('/declared', { config: { access: access.public } }, () => ({ ok: true }));
      app.get('/forgotten', () => ({ ok: true }));
      app.post('/nonsense', { config: { access: { kind: 'everyone' } as never } }, () => ({ ok: true }));
      app.post('/no-roles', { config: { access: access.console() } }, () => ({ ok: true }));
      return Promise.resolve();
    };
    const nested: AppPlugin = async (app) => {
      await app.register((child: App) => {
        child.get('/deep/in/a/plugin', () => ({ ok: true }));
        return Promise.resolve();
      });
    };
    await expect(buildApp({ config: testConfig(), logger: createLogger({ level: 'silent' }), plugins: [undeclared] })).rejects.toThrow(
      /without an access declaration.*GET \/forgotten; HEAD \/forgotten; POST \/nonsense; POST \/no-roles/,
    );
    await expect(buildApp({ config: testConfig(), logger: createLogger({ level: 'silent' }), plugins: [nested] })).rejects.toThrow(/\/deep\/in\/a\/plugin/);
  });

  it('serves an OpenAPI 3.1 document built from the route schemas', async () => {
    const response = await inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ openapi: string; info: { title: string }; paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Disrupt API');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/test/items/{itemId}', '/test/list', '/test/cases/{caseNumber}']));
    for (const hidden of ['/healthz', '/readyz', '/metrics', '/api/openapi.json', '/api/docs', '/api/docs/json']) expect(doc.paths).not.toHaveProperty(hidden);
    const create = doc.paths['/test/items/{itemId}']?.post;
    expect(create?.requestBody).toMatchObject({ content: { 'application/json': { schema: { type: 'object', required: ['value', 'count'] } } } });
    expect(create?.parameters).toEqual([expect.objectContaining({ name: 'itemId', in: 'path' })]);
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', 'default']));
    // Every operation documents the error shape, even when its route did not declare it.
    expect(doc.paths['/test/list']?.get?.responses).toHaveProperty('default');
  });

  it('serves the docs page from this origin, with no third-party URL', async () => {
    for (const url of ['/api/docs', '/api/docs/']) {
      const response = await inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('swagger-ui');
      expect(response.body).not.toMatch(/https?:\/\//i);
      expect(response.body).not.toMatch(/src="\/\//); // no protocol-relative CDN either
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const bundle = await inject({ method: 'GET', url: '/api/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    const initializer = await inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain('validatorUrl: null'); // swagger-ui would otherwise send the spec to validator.swagger.io
  });

  it('sets the security headers on every response, with the strict CSP everywhere but the docs', async () => {
    const responses = await Promise.all([
      inject({ method: 'GET', url: '/healthz' }),
      inject({ method: 'GET', url: '/nothing/here' }),
      inject({ method: 'GET', url: '/test/crash' }),
      post('{bad'),
      inject({ method: 'GET', url: '/api/openapi.json' }),
    ]);
    for (const response of responses) {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
        'content-security-policy': expect.stringContaining("default-src 'none'") as unknown,
      });
      expect(response.headers['content-security-policy']).not.toContain('unsafe-inline');
    }
    const docs = await inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.headers['x-frame-options']).toBe('DENY');
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('logs one line per request with method, route pattern, status and duration — never the URL, address or user agent', async () => {
    await inject({ method: 'GET', url: `/test/cases/${CASE_NUMBER}?contact=person@example.org` });
    const lines = logs.lines().filter((l) => l.msg === 'request');
    const caseLine = lines.find((l) => l.route === '/test/cases/:caseNumber');
    expect(caseLine).toMatchObject({ level: 30, method: 'GET', status: 200, ms: expect.any(Number) as unknown, reqId: expect.any(String) as unknown });
    expect(lines.find((l) => l.route === 'unmatched')).toMatchObject({ status: 404 });
    expect(lines.find((l) => l.route === '/test/items/:itemId' && l.status === 413)).toBeDefined();
    // Probes are logged at debug, so that they do not drown the rest at info.
    expect(lines.find((l) => l.route === '/healthz')).toMatchObject({ level: 20 });
    const text = logs.text();
    for (const needle of [CLIENT_IP, '127.0.0.1', USER_AGENT, 'VictimPhone', 'lightMyRequest', CASE_NUMBER, 'person@example.org', SECRET, HASH, '"url"', '"ip"', 'remoteAddress', 'hostname']) {
      expect(text).not.toContain(needle);
    }
  });
});

describe('buildApp options', () => {
  it('shares a metrics registry between apps, and reads the body limit from config or an explicit override', async () => {
    const registry = new Registry();
    const quiet = createLogger({ level: 'silent' });
    const echo: AppPlugin = (app) => {
      app.post('/echo', { config: { access: access.public }, schema: { body: z.object({ text: z.string() }) } }, (request) => ({ length: request.body.text.length }));
      return Promise.resolve();
    };
    const first = await buildApp({ config: testConfig(), logger: quiet, metrics: registry, plugins: [echo] });
    const second = await buildApp({ config: testConfig(), logger: quiet, metrics: registry, plugins: [echo], bodyLimit: 64 * 1024, ready: () => Promise.resolve(false) });
    try {
      const big = JSON.stringify({ text: 'x'.repeat(4096) });
      expect((await first.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: big })).statusCode).toBe(413);
      expect((await second.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: big })).statusCode).toBe(200);
      expect((await first.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200); // no check given: ready
      expect((await second.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      const text = await registry.metrics();
      expect(text).toMatch(/http_requests_total\{method="POST",route="\/echo",status="413"\} 1/);
      expect(text).toMatch(/http_requests_total\{method="POST",route="\/echo",status="200"\} 1/);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('trusts X-Forwarded-For only when configured to', async () => {
    const quiet = createLogger({ level: 'silent' });
    const whoami: AppPlugin = (app) => {
      app.get('/whoami', { config: { access: access.public } }, (request) => ({ ip: request.ip }));
      return Promise.resolve();
    };
    const direct = await buildApp({ config: testConfig(), logger: quiet, plugins: [whoami] });
    const everyHop = await buildApp({ config: testConfig({ DISRUPT_TRUST_PROXY: 'true' }), logger: quiet, plugins: [whoami] });
    const oneHop = await buildApp({ config: testConfig({ DISRUPT_TRUST_PROXY: '1' }), logger: quiet, plugins: [whoami] });
    const twoHops = await buildApp({ config: testConfig({ DISRUPT_TRUST_PROXY: '2' }), logger: quiet, plugins: [whoami] });
    const listed = await buildApp({ config: testConfig({ DISRUPT_TRUST_PROXY: '10.0.0.0/8' }), logger: quiet, plugins: [whoami] });
    try {
      const request = { method: 'GET' as const, url: '/whoami', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': CLIENT_IP } };
      expect((await direct.inject(request)).json()).toEqual({ ip: '10.0.0.1' });
      expect((await everyHop.inject(request)).json()).toEqual({ ip: CLIENT_IP });
      // A client that writes its own X-Forwarded-For before the proxy appends the address it saw.
      const forged = { ...request, headers: { 'x-forwarded-for': `6.6.6.6, ${CLIENT_IP}` } };
      expect((await everyHop.inject(forged)).json()).toEqual({ ip: '6.6.6.6' }); // why "true" is refused for anything that counts
      expect((await oneHop.inject(forged)).json()).toEqual({ ip: CLIENT_IP });
      expect((await listed.inject(forged)).json()).toEqual({ ip: CLIENT_IP });
      expect((await twoHops.inject({ ...request, headers: { 'x-forwarded-for': `6.6.6.6, ${CLIENT_IP}, 10.0.0.2` } })).json()).toEqual({ ip: CLIENT_IP });
      // From an address outside the list, the header is not believed.
      expect((await listed.inject({ ...forged, remoteAddress: '203.0.113.5' })).json()).toEqual({ ip: '203.0.113.5' });
    } finally {
      await Promise.all([direct, everyHop, oneHop, twoHops, listed].map((app) => app.close()));
    }
  });
});

describe('the docs page in a browser', () => {
  it('renders the API under its CSP, loading nothing from another origin', async () => {
    const app = await buildApp({ config: testConfig(), logger: createLogger({ level: 'silent' }), plugins: [testRoutes] });
    const browser = await launchChromium();
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const page = await browser.newPage();
      const requests = recordRequests(page);
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      page.on('pageerror', (error) => violations.push(error.message));
      await page.goto(`${address}/api/docs/`);
      await page.waitForSelector('.opblock', { timeout: 20_000 });
      expect(await page.locator('.opblock-summary-path').allTextContents()).toEqual(expect.arrayContaining(['/test/items/{itemId}', '/test/list']));
      expect(violations).toEqual([]);
      expect(requests.filter((url) => !isLocal(url))).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  });
});
