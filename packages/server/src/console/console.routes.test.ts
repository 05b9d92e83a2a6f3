// Console accounts and access over HTTP, on both back ends, with the
// authorisation matrix: every console route × {no session, analyst,
// supervisor, admin}. A route missing from the table fails the test.
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { freshCode, totpCode as code } from '../../test/console.ts';
import { describeServer } from '../../test/server.ts';
import { verifyAudit } from '../audit/audit.ts';
import { SESSION_COOKIE } from './console.routes.ts';

type Role = 'analyst' | 'supervisor' | 'admin';
interface Login {
  readonly cookie: string;
  readonly csrf: string;
  readonly userId: string;
}

describeServer('console accounts', ({ server }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  const secrets = new Map<string, string>();
  const logins = new Map<Role, Login>();
  const password = 'correct horse battery staple';

  async function enrol(email: string, enrolmentToken: string): Promise<void> {
    const start = await inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: enrolmentToken } });
    expect(start.statusCode).toBe(200);
    const { secret, otpauthUrl } = start.json<{ secret: string; otpauthUrl: string }>();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    secrets.set(email, secret);
    const weak = await inject({ method: 'POST', url: '/api/console/enrol/finish', payload: { token: enrolmentToken, password: 'short', code: code(secret) } });
    expect(weak.statusCode).toBe(400);
    const finish = await inject({ method: 'POST', url: '/api/console/enrol/finish', payload: { token: enrolmentToken, password, code: await freshCode(secret) } });
    expect(finish.statusCode).toBe(204);
    const reuse = await inject({ method: 'POST', url: '/api/console/enrol/start', payload: { token: enrolmentToken } });
    expect(reuse.statusCode).toBe(404); // one-time
  }

  async function login(email: string): Promise<Login> {
    const response = await inject({ method: 'POST', url: '/api/console/login', payload: { email, password, code: await freshCode(secrets.get(email)!) } });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/console' });
    const body = response.json<{ csrfToken: string; user: { id: string } }>();
    return { cookie: cookie.value, csrf: body.csrfToken, userId: body.user.id };
  }

  const as = (who: Login | undefined, options: InjectOptions): InjectOptions => ({
    ...options,
    ...(who ? { cookies: { [SESSION_COOKIE]: who.cookie }, headers: { ...(options.headers ?? {}), 'x-csrf-token': who.csrf } } : {}),
  });

  beforeAll(async () => {
    const { enrolmentToken } = await server().accounts.createUser('Boss@Hotline.example', 'admin', 'system');
    await enrol('boss@hotline.example', enrolmentToken);
    logins.set('admin', await login('boss@hotline.example'));
    for (const role of ['analyst', 'supervisor'] as const) {
      const email = `${role}@hotline.example`;
      const created = await inject(as(logins.get('admin'), { method: 'POST', url: '/api/console/users', payload: { email, role } }));
      expect(created.statusCode).toBe(201);
      await enrol(email, created.json<{ enrolmentToken: string }>().enrolmentToken);
      logins.set(role, await login(email));
    }
  });

  it('answers every console route as the authorisation table says, for every role', async () => {
    const target = (await server().accounts.createUser(`target-${Math.random()}@hotline.example`, 'analyst', 'system')).userId;
    const hostId = (await inject(as(logins.get('admin'), { method: 'POST', url: '/api/console/hosts', payload: { domain: 'matrix.example', name: 'Matrix' } }))).json<{ id: string }>().id;
    const created = await server().partners.create(`Matrix hooks ${Math.random().toString(36).slice(2, 8)}`, {}, 'system');
    if (!created.ok) throw new Error('partner not created');
    const partnerId = created.partnerId;
    const requests: Record<string, { request: () => InjectOptions; expected: [number, number, number, number] }> = {
      'POST /api/console/login': { request: () => ({ method: 'POST', url: '/api/console/login', payload: { email: 'nobody@x.example', password: 'x', code: '000000' } }), expected: [401, 401, 401, 401] },
      'POST /api/console/enrol/start': { request: () => ({ method: 'POST', url: '/api/console/enrol/start', payload: { token: 'not-a-token' } }), expected: [404, 404, 404, 404] },
      'POST /api/console/enrol/finish': { request: () => ({ method: 'POST', url: '/api/console/enrol/finish', payload: { token: 'not-a-token', password, code: '000000' } }), expected: [404, 404, 404, 404] },
      'GET /api/console/me': { request: () => ({ method: 'GET', url: '/api/console/me' }), expected: [401, 200, 200, 200] },
      'GET /api/console/users': { request: () => ({ method: 'GET', url: '/api/console/users' }), expected: [401, 404, 404, 200] },
      'POST /api/console/users': { request: () => ({ method: 'POST', url: '/api/console/users', payload: { email: `new-${Math.random()}@hotline.example`, role: 'analyst' } }), expected: [401, 404, 404, 201] },
      'PATCH /api/console/users/:id': { request: () => ({ method: 'PATCH', url: `/api/console/users/${target}`, payload: { role: 'supervisor' } }), expected: [401, 404, 404, 204] },
      'POST /api/console/users/:id/enrolment': { request: () => ({ method: 'POST', url: `/api/console/users/${target}/enrolment` }), expected: [401, 404, 404, 201] },
      'GET /api/console/queue': { request: () => ({ method: 'GET', url: '/api/console/queue' }), expected: [401, 200, 200, 404] },
      'POST /api/console/queue/claim': { request: () => ({ method: 'POST', url: '/api/console/queue/claim' }), expected: [401, 200, 200, 404] },
      'POST /api/console/items/:id/release': { request: () => ({ method: 'POST', url: `/api/console/items/${target}/release` }), expected: [401, 404, 404, 404] },
      'POST /api/console/items/:id/decision': { request: () => ({ method: 'POST', url: `/api/console/items/${target}/decision`, payload: { decision: 'ncii_adult' } }), expected: [401, 404, 404, 404] },
      'GET /api/console/items/:id/preview': { request: () => ({ method: 'GET', url: `/api/console/items/${target}/preview` }), expected: [401, 404, 404, 404] },
      'POST /api/console/items/:id/reveal': { request: () => ({ method: 'POST', url: `/api/console/items/${target}/reveal` }), expected: [401, 404, 404, 404] },
      'GET /api/console/reveals': { request: () => ({ method: 'GET', url: '/api/console/reveals' }), expected: [401, 200, 200, 404] },
      'POST /api/console/items/:id/reverse': { request: () => ({ method: 'POST', url: `/api/console/items/${target}/reverse`, payload: { decision: 'ncii_adult' } }), expected: [401, 404, 404, 404] },
      'GET /api/console/items/:id': { request: () => ({ method: 'GET', url: `/api/console/items/${target}` }), expected: [401, 404, 404, 404] },
      'GET /api/console/cases/:caseId/items': { request: () => ({ method: 'GET', url: `/api/console/cases/${target}/items` }), expected: [401, 404, 404, 404] },
      'GET /api/console/hosts': { request: () => ({ method: 'GET', url: '/api/console/hosts' }), expected: [401, 200, 200, 200] },
      'POST /api/console/hosts': { request: () => ({ method: 'POST', url: '/api/console/hosts', payload: { domain: `h${Math.random().toString(36).slice(2)}.example`, name: 'Host' } }), expected: [401, 404, 201, 201] },
      'PATCH /api/console/hosts/:id': { request: () => ({ method: 'PATCH', url: `/api/console/hosts/${hostId}`, payload: { partner: true } }), expected: [401, 404, 200, 200] },
      'DELETE /api/console/hosts/:id': { request: () => ({ method: 'DELETE', url: `/api/console/hosts/${target}` }), expected: [401, 404, 404, 404] },
      'POST /api/console/items/:id/notice-preview': { request: () => ({ method: 'POST', url: `/api/console/items/${target}/notice-preview`, payload: {} }), expected: [401, 404, 404, 404] },
      'POST /api/console/items/:id/notices': { request: () => ({ method: 'POST', url: `/api/console/items/${target}/notices`, payload: {} }), expected: [401, 404, 404, 404] },
      'GET /api/console/notices/outbox': { request: () => ({ method: 'GET', url: '/api/console/notices/outbox' }), expected: [401, 200, 200, 404] },
      'POST /api/console/notices/:id/download': { request: () => ({ method: 'POST', url: `/api/console/notices/${target}/download` }), expected: [401, 404, 404, 404] },
      'POST /api/console/items/:id/check': { request: () => ({ method: 'POST', url: `/api/console/items/${target}/check` }), expected: [401, 404, 404, 404] },
      'POST /api/console/items/:id/removed': { request: () => ({ method: 'POST', url: `/api/console/items/${target}/removed` }), expected: [401, 404, 404, 404] },
      'GET /api/console/cases/:caseId/escalations': { request: () => ({ method: 'GET', url: `/api/console/cases/${target}/escalations` }), expected: [401, 404, 404, 404] },
      'POST /api/console/cases/:caseId/escalations': { request: () => ({ method: 'POST', url: `/api/console/cases/${target}/escalations`, payload: { authority: 'pharos' } }), expected: [401, 404, 404, 404] },
      'PATCH /api/console/escalations/:id': { request: () => ({ method: 'PATCH', url: `/api/console/escalations/${target}`, payload: { authorityReference: 'PH-1' } }), expected: [401, 404, 404, 404] },
      'GET /api/console/escalations/:id/package': { request: () => ({ method: 'GET', url: `/api/console/escalations/${target}/package` }), expected: [401, 404, 404, 404] },
      'GET /api/console/takedowns': { request: () => ({ method: 'GET', url: '/api/console/takedowns?state=notified' }), expected: [401, 200, 200, 404] },
      'GET /api/console/cases/:caseId/takedowns': { request: () => ({ method: 'GET', url: `/api/console/cases/${target}/takedowns` }), expected: [401, 404, 404, 404] },
      'GET /api/console/escalations/awaiting': { request: () => ({ method: 'GET', url: '/api/console/escalations/awaiting' }), expected: [401, 200, 200, 404] },
      'GET /api/console/escalations': { request: () => ({ method: 'GET', url: '/api/console/escalations' }), expected: [401, 200, 200, 404] },
      'GET /api/console/stats': { request: () => ({ method: 'GET', url: '/api/console/stats' }), expected: [401, 404, 200, 200] },
      'GET /api/console/stats.csv': { request: () => ({ method: 'GET', url: '/api/console/stats.csv' }), expected: [401, 404, 200, 200] },
      'GET /api/console/audit': { request: () => ({ method: 'GET', url: '/api/console/audit?limit=5' }), expected: [401, 404, 404, 200] },
      'GET /api/console/audit/verify': { request: () => ({ method: 'GET', url: '/api/console/audit/verify' }), expected: [401, 404, 404, 200] },
      'GET /api/console/helplines': { request: () => ({ method: 'GET', url: '/api/console/helplines' }), expected: [401, 404, 404, 200] },
      'PUT /api/console/helplines': { request: () => ({ method: 'PUT', url: '/api/console/helplines', payload: { helplines: [{ name: '3018', phone: '3018' }] } }), expected: [401, 404, 404, 200] },
      'GET /api/console/partners/:id/webhooks': { request: () => ({ method: 'GET', url: `/api/console/partners/${partnerId}/webhooks` }), expected: [401, 404, 404, 200] },
      'POST /api/console/partners/:id/webhooks': { request: () => ({ method: 'POST', url: `/api/console/partners/${partnerId}/webhooks`, payload: { url: 'https://hooks.partner.test/disrupt' } }), expected: [401, 404, 404, 201] },
      'DELETE /api/console/partners/:id/webhooks/:webhookId': { request: () => ({ method: 'DELETE', url: `/api/console/partners/${partnerId}/webhooks/${target}` }), expected: [401, 404, 404, 404] },
      'GET /api/console/partners/:id/webhooks/:webhookId/deliveries': { request: () => ({ method: 'GET', url: `/api/console/partners/${partnerId}/webhooks/${target}/deliveries` }), expected: [401, 404, 404, 404] },
      'GET /api/console/partners': { request: () => ({ method: 'GET', url: '/api/console/partners' }), expected: [401, 404, 404, 200] },
      'POST /api/console/partners': { request: () => ({ method: 'POST', url: '/api/console/partners', payload: { name: `Matrix ${Math.random().toString(36).slice(2)}` } }), expected: [401, 404, 404, 201] },
      'POST /api/console/partners/:id/rotate': { request: () => ({ method: 'POST', url: `/api/console/partners/${target}/rotate` }), expected: [401, 404, 404, 404] },
      'POST /api/console/partners/:id/revoke': { request: () => ({ method: 'POST', url: `/api/console/partners/${target}/revoke` }), expected: [401, 404, 404, 404] },
      'GET /api/console/negative-bank': { request: () => ({ method: 'GET', url: '/api/console/negative-bank' }), expected: [401, 404, 404, 200] },
      'POST /api/console/negative-bank': { request: () => ({ method: 'POST', url: '/api/console/negative-bank', payload: { entries: [{ pdq: randomBytes(32).toString('hex') }] } }), expected: [401, 404, 404, 200] },
      'DELETE /api/console/negative-bank/:id': { request: () => ({ method: 'DELETE', url: '/api/console/negative-bank/999999' }), expected: [401, 404, 404, 404] },
      'GET /api/console/bank-reviews': { request: () => ({ method: 'GET', url: '/api/console/bank-reviews' }), expected: [401, 200, 200, 404] },
      'POST /api/console/bank-reviews/:entryId': { request: () => ({ method: 'POST', url: '/api/console/bank-reviews/999999', payload: { outcome: 'restored' } }), expected: [401, 404, 404, 404] },
      'POST /api/console/logout': { request: () => ({ method: 'POST', url: '/api/console/logout' }), expected: [401, 204, 204, 204] },
    };
    const routes = server().routes.filter((r) => r.url.startsWith('/api/console')).map((r) => `${r.method} ${r.url}`);
    expect([...routes].sort()).toEqual(Object.keys(requests).sort());
    // Logout last: it ends the sessions the other rows use.
    const order = Object.keys(requests).sort((a, b) => Number(a.endsWith('logout')) - Number(b.endsWith('logout')));
    for (const key of order) {
      const { request, expected } = requests[key]!;
      const actual = [];
      for (const who of [undefined, logins.get('analyst'), logins.get('supervisor'), logins.get('admin')]) actual.push((await inject(as(who, request()))).statusCode);
      expect([key, actual]).toEqual([key, expected]);
    }
    // Signed out: the old cookie no longer opens anything.
    expect((await inject(as(logins.get('admin'), { method: 'GET', url: '/api/console/me' }))).statusCode).toBe(401);
    for (const role of ['analyst', 'supervisor', 'admin'] as const) logins.set(role, await login(`${role === 'admin' ? 'boss' : role}@hotline.example`));
  });

  it('makes "forbidden" look exactly like "not found"', async () => {
    const forbidden = await inject(as(logins.get('analyst'), { method: 'GET', url: '/api/console/users' }));
    const missing = await inject(as(logins.get('analyst'), { method: 'GET', url: '/api/console/no-such-route' }));
    expect(forbidden.statusCode).toBe(404);
    expect(forbidden.body).toBe(missing.body);
  });

  it('requires the CSRF token on state-changing requests', async () => {
    const admin = logins.get('admin')!;
    const response = await inject({ method: 'POST', url: '/api/console/users', cookies: { [SESSION_COOKIE]: admin.cookie }, payload: { email: 'x@hotline.example', role: 'analyst' } });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a wrong code or password the same way, and pauses the account after repeated failures', async () => {
    const wrongCode = await inject({ method: 'POST', url: '/api/console/login', payload: { email: 'analyst@hotline.example', password, code: '000000' } });
    const wrongPassword = await inject({ method: 'POST', url: '/api/console/login', payload: { email: 'analyst@hotline.example', password: 'nope nope nope', code: code(secrets.get('analyst@hotline.example')!) } });
    const unknown = await inject({ method: 'POST', url: '/api/console/login', payload: { email: 'ghost@hotline.example', password, code: '123456' } });
    expect([wrongCode.statusCode, wrongPassword.statusCode, unknown.statusCode]).toEqual([401, 401, 401]);
    expect(wrongCode.body).toBe(unknown.body);
    // From another address, so the per-client budget stays out of the way: this is the per-account pause.
    for (let i = 0; i < 10; i++) await inject({ method: 'POST', url: '/api/console/login', remoteAddress: '198.51.100.7', payload: { email: 'supervisor@hotline.example', password: 'wrong wrong wrong', code: '000000' } });
    const locked = await inject({ method: 'POST', url: '/api/console/login', remoteAddress: '198.51.100.8', payload: { email: 'supervisor@hotline.example', password, code: await freshCode(secrets.get('supervisor@hotline.example')!) } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'sign_in_paused' } });
  });

  it('ends a disabled user\'s sessions at once, and records it all in the audit chain', async () => {
    const analyst = logins.get('analyst')!;
    expect((await inject(as(analyst, { method: 'GET', url: '/api/console/me' }))).statusCode).toBe(200);
    const disable = await inject(as(logins.get('admin'), { method: 'PATCH', url: `/api/console/users/${analyst.userId}`, payload: { disabled: true } }));
    expect(disable.statusCode).toBe(204);
    expect((await inject(as(analyst, { method: 'GET', url: '/api/console/me' }))).statusCode).toBe(401);
    const audit = await verifyAudit(server().database);
    expect(audit.ok).toBe(true);
    expect(audit.entries).toBeGreaterThan(10);
  });
});
