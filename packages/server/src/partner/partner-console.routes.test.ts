// Partners from the console, on both back ends: the list an admin sees, and a
// partner's webhooks registered, listed, read and removed by an admin with
// the partner API's own service — the same URL rules (https to public hosts),
// the same limit, the secret shown once and never logged.
import type { InjectOptions } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { type ConsoleLogin, as, consoleUser } from '../../test/console.ts';
import { createPartner, randomPdq, withKey } from '../../test/partners.ts';
import { describeServer } from '../../test/server.ts';

interface Webhook {
  id: string;
  url: string;
  cursor: number;
  createdAt: string;
  secret?: string;
}

describeServer('partners in the console', ({ server, logs }) => {
  const inject = (options: InjectOptions) => server().app.inject(options);
  let admin: ConsoleLogin;
  let analyst: ConsoleLogin;
  let partnerId: string;
  let otherId: string;
  const hooks = (id: string) => `/api/console/partners/${id}/webhooks`;

  beforeAll(async () => {
    admin = await consoleUser(server(), 'admin');
    analyst = await consoleUser(server(), 'analyst');
    const created = await server().partners.create(`Console hooks ${Math.random().toString(36).slice(2, 8)}`, { scopes: ['feed:read', 'feedback:write', 'hashes:write'], rateLimitPerMinute: 1000 }, 'system');
    if (!created.ok) throw new Error('partner not created');
    partnerId = created.partnerId;
    const other = await server().partners.create(`Other ${Math.random().toString(36).slice(2, 8)}`, {}, 'system');
    if (!other.ok) throw new Error('partner not created');
    otherId = other.partnerId;
  });

  it('registers a webhook for a partner: the secret once, then listed without it, audited as the admin', async () => {
    const created = await inject(as(admin, { method: 'POST', url: hooks(partnerId), payload: { url: 'https://hooks.partner.test/disrupt' } }));
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const hook = created.json<Webhook>();
    expect(hook).toMatchObject({ url: 'https://hooks.partner.test/disrupt', cursor: expect.any(Number) as unknown });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const list = (await inject(as(admin, { method: 'GET', url: hooks(partnerId) }))).json<{ webhooks: Webhook[] }>();
    expect(list.webhooks).toEqual([{ id: hook.id, url: hook.url, cursor: hook.cursor, createdAt: expect.any(String) as unknown }]);
    expect((await inject(as(admin, { method: 'GET', url: hooks(otherId) }))).json()).toEqual({ webhooks: [] });
    expect((await inject(as(admin, { method: 'GET', url: `${hooks(partnerId)}/${hook.id}/deliveries` }))).json()).toEqual({ deliveries: [] });

    const audit = (await inject(as(admin, { method: 'GET', url: '/api/console/audit?action=partner.webhook.register' }))).json<{ entries: { actor: string; subject: string; detail: object }[] }>();
    expect(audit.entries[0]).toMatchObject({ actor: `user:${admin.userId}`, subject: `webhook:${hook.id}`, detail: { partner: partnerId } });
    expect(logs()).not.toContain(hook.secret);
    expect(JSON.stringify(audit)).not.toContain(hook.secret);
  });

  it("the partner sees the admin's webhook through its own API, and the admin can remove it", async () => {
    const created = (await inject(as(admin, { method: 'POST', url: hooks(otherId), payload: { url: 'https://hooks.other.test/in' } }))).json<Webhook>();
    const otherKey = (await server().partners.rotate(otherId, 'system')) as { apiKey: string };
    const seen = await inject(withKey(otherKey.apiKey, { method: 'GET', url: '/api/partner/v1/webhooks' }));
    expect(seen.json<{ webhooks: Webhook[] }>().webhooks.map((w) => w.id)).toEqual([created.id]);
    // Another partner's webhook is not found under this partner's path.
    expect((await inject(as(admin, { method: 'DELETE', url: `${hooks(partnerId)}/${created.id}` }))).statusCode).toBe(404);
    expect((await inject(as(admin, { method: 'GET', url: `${hooks(partnerId)}/${created.id}/deliveries` }))).statusCode).toBe(404);
    expect((await inject(as(admin, { method: 'DELETE', url: `${hooks(otherId)}/${created.id}` }))).statusCode).toBe(204);
    expect((await inject(as(admin, { method: 'DELETE', url: `${hooks(otherId)}/${created.id}` }))).statusCode).toBe(404);
    expect((await inject(as(admin, { method: 'GET', url: hooks(otherId) }))).json()).toEqual({ webhooks: [] });
    expect((await inject(withKey(otherKey.apiKey, { method: 'GET', url: '/api/partner/v1/webhooks' }))).json()).toEqual({ webhooks: [] });
  });

  it('keeps the URL rules (https, public host, no credentials) and the limit of 5; bad ids and bodies are 4xx', async () => {
    for (const url of ['http://hooks.partner.test/', 'https://127.0.0.1/hook', 'https://10.0.0.8/hook', 'https://localhost/hook', 'https://intranet.internal/hook', 'https://user:pw@hooks.partner.test/', 'ftp://hooks.partner.test/', 'not a url', `https://hooks.partner.test/${'a'.repeat(2048)}`]) {
      const response = await inject(as(admin, { method: 'POST', url: hooks(partnerId), payload: { url } }));
      expect([url.slice(0, 40), response.statusCode]).toEqual([url.slice(0, 40), 400]);
      expect(response.body).not.toContain('pw@');
    }
    for (const payload of [{}, { url: 42 }, { url: 'https://hooks.partner.test/x', extra: 1 }]) {
      expect((await inject(as(admin, { method: 'POST', url: hooks(partnerId), payload }))).statusCode).toBe(400);
    }
    expect((await inject(as(admin, { method: 'GET', url: hooks('not-a-uuid') }))).statusCode).toBe(400);
    expect((await inject(as(admin, { method: 'GET', url: `${hooks(partnerId)}/not-a-uuid/deliveries` }))).statusCode).toBe(400);
    expect((await inject(as(admin, { method: 'DELETE', url: `${hooks(partnerId)}/not-a-uuid` }))).statusCode).toBe(400);
    const nobody = '00000000-0000-4000-8000-000000000000';
    expect((await inject(as(admin, { method: 'GET', url: hooks(nobody) }))).statusCode).toBe(404);
    expect((await inject(as(admin, { method: 'POST', url: hooks(nobody), payload: { url: 'https://hooks.partner.test/x' } }))).statusCode).toBe(404);

    // One already exists from the first test: four more, then a conflict.
    for (let i = 0; i < 4; i++) expect((await inject(as(admin, { method: 'POST', url: hooks(partnerId), payload: { url: `https://hooks.partner.test/${i}` } }))).statusCode).toBe(201);
    expect((await inject(as(admin, { method: 'POST', url: hooks(partnerId), payload: { url: 'https://hooks.partner.test/6' } }))).statusCode).toBe(409);
    expect((await inject(as(analyst, { method: 'GET', url: hooks(partnerId) }))).statusCode).toBe(404);
  });

  it("lists partners with their status, scopes, rate limit, key prefixes and feedback counts; a revoked partner's webhooks are read-only", async () => {
    const feedbackPartner = await createPartner(server(), { name: `Feedback ${Math.random().toString(36).slice(2, 8)}` });
    const pdq = randomPdq();
    const submit = await inject(withKey(feedbackPartner.apiKey, { method: 'POST', url: '/api/partner/v1/hashes', payload: { hashes: [{ signalType: 'pdq', value: pdq, quality: 100 }] } }));
    expect(submit.statusCode).toBe(200);
    const feedback = await inject(withKey(feedbackPartner.apiKey, { method: 'POST', url: '/api/partner/v1/feedback', payload: { items: [{ signalType: 'pdq', value: pdq, feedback: 'Blocked' }] } }));
    expect(feedback.statusCode).toBe(200);
    expect((await inject(as(admin, { method: 'POST', url: `/api/console/partners/${otherId}/revoke` }))).statusCode).toBe(204);

    const list = (await inject(as(admin, { method: 'GET', url: '/api/console/partners' }))).json<{
      partners: { id: string; name: string; status: string; scopes: string[]; rateLimitPerMinute: number; keys: { prefix: string; revokedAt: string | null }[]; feedback: Record<string, number> }[];
    }>();
    const mine = list.partners.find((p) => p.id === partnerId)!;
    expect(mine).toMatchObject({ status: 'active', scopes: ['feed:read', 'feedback:write', 'hashes:write'], rateLimitPerMinute: 1000, feedback: { PendingReview: 0, Blocked: 0, NotBlocked: 0 } });
    expect(mine.keys.length).toBeGreaterThan(0);
    expect(mine.keys.every((k) => /^[a-z]+_[A-Za-z0-9]+$/.test(k.prefix))).toBe(true);
    expect(list.partners.find((p) => p.name === feedbackPartner.name)).toMatchObject({ status: 'active', feedback: { Blocked: 1, PendingReview: 0, NotBlocked: 0 } });
    expect(list.partners.find((p) => p.id === otherId)).toMatchObject({ status: 'revoked', scopes: [] });
    expect(JSON.stringify(list)).not.toContain(feedbackPartner.apiKey);

    expect((await inject(as(admin, { method: 'GET', url: hooks(otherId) }))).statusCode).toBe(200);
    expect((await inject(as(admin, { method: 'POST', url: hooks(otherId), payload: { url: 'https://hooks.other.test/again' } }))).statusCode).toBe(409);
  });
});
