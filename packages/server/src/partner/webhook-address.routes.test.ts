// Webhooks go to public hosts only (the default, DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP
// unset), on both back ends: a special-purpose IP literal in any spelling is
// refused at registration with a 400, and again at delivery (Node's lookup
// hook never sees a literal); a name that resolves into a special-purpose
// range is refused at delivery, before anything is sent.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPartner, randomPdq, withKey } from '../../test/partners.ts';
import { describeServer } from '../../test/server.ts';
import { partnerWebhooks } from '../db/schema.ts';
import type { Resolver } from '../net/outbound.ts';

let receiver: Server;
let port = 0;
let received = 0;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    received++;
    request.resume();
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

/** Public-looking names that resolve into the hotline's own network (DNS rebinding). */
const resolver: Resolver = (host) => {
  if (host === 'rebound.example') return Promise.resolve([{ address: '::ffff:10.0.0.1', family: 6 }]);
  if (host === 'loopback.example') return Promise.resolve([{ address: '::ffff:127.0.0.1', family: 6 }]);
  return Promise.reject(new Error('ENOTFOUND'));
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describeServer(
  'partner webhooks to public hosts only',
  ({ server }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);
    const register = (key: string, url: string) => inject(withKey(key, { method: 'POST', url: '/api/partner/v1/webhooks', payload: { url } }));

    it('refuses at registration an IP-literal host in a special-purpose range, in every spelling, with a clear 400', async () => {
      const { apiKey } = await createPartner(server(), { scopes: ['feed:read'] });
      const literals: [string, string][] = [
        ['https://[::ffff:0:7f00:1]/', '::ffff:0:0:0/96'],
        ['https://[::ffff:0:127.0.0.1]/', '::ffff:0:0:0/96'],
        ['https://[::ffff:7f00:1]/', '127.0.0.0/8 inside ::ffff:0:0/96'],
        ['https://[0:0:0:0:0:FFFF:10.0.0.1]/', '10.0.0.0/8 inside ::ffff:0:0/96'],
        ['https://[::127.0.0.1]/', '::/96'],
        ['https://[64:ff9b::a9fe:a9fe]/', '169.254.0.0/16 inside 64:ff9b::/96'],
        ['https://[64:ff9b:1::1]/', '64:ff9b:1::/48'],
        ['https://[2002:7f00:1::1]/', '2002::/16'],
        ['https://[fec0::1]/', 'fec0::/10'],
        ['https://0x7f.1/', '127.0.0.0/8'],
        ['https://2130706433/', '127.0.0.0/8'],
        ['https://198.18.0.1/', '198.18.0.0/15'],
        ['https://192.0.0.170/', '192.0.0.0/24'],
      ];
      for (const [url, range] of literals) {
        const response = await register(apiKey, url);
        expect(response.statusCode, url).toBe(400);
        expect(response.json<{ error: { message: string } }>().error.message, url).toContain(`not a public address (${range})`);
      }
      // Control characters and plain http: a 400 too, never a 500.
      for (const url of ['https://hooks.example/\u0000', 'https://hooks.example/a\u0085b', 'http://hooks.example/']) expect((await register(apiKey, url)).statusCode, JSON.stringify(url)).toBe(400);
      expect((await inject(withKey(apiKey, { method: 'GET', url: '/api/partner/v1/webhooks' }))).json()).toEqual({ webhooks: [] });
    });

    it('refuses at delivery a name resolving into a special-purpose range, and an IP literal stored before the rule', async () => {
      const { apiKey } = await createPartner(server(), { scopes: ['feed:read'] });
      const ids: Record<'rebound' | 'loopback' | 'literal', string> = { rebound: '', loopback: '', literal: '' };
      for (const name of ['rebound', 'loopback', 'literal'] as const) {
        const response = await register(apiKey, `https://${name === 'literal' ? 'later.example' : `${name}.example`}:${port}/hook`);
        expect(response.statusCode).toBe(201);
        ids[name] = response.json<{ id: string }>().id;
      }
      // A row from before the policy: an IPv4-mapped loopback literal, over plain http so it would be delivered.
      await server().database.db.update(partnerWebhooks).set({ url: `http://[::ffff:7f00:1]:${port}/hook` }).where(eq(partnerWebhooks.id, ids.literal));

      const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `wa-${Math.random()}` }, payload: { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' } });
      const token = opened.json<{ token: string }>().token;
      await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${token}` }, payload: { items: [{ type: 'photo', pdq: randomPdq(), quality: 90 }] } });

      for (const id of Object.values(ids)) {
        const first = await until(`a delivery attempt of ${id}`, async () => {
          const log = (await inject(withKey(apiKey, { method: 'GET', url: `/api/partner/v1/webhooks/${id}/deliveries` }))).json<{ deliveries: { ok: boolean; statusCode: number | null; error: string | null }[] }>().deliveries;
          return log.at(-1);
        });
        expect(first, id).toMatchObject({ ok: false, statusCode: null, error: 'address_not_allowed' });
      }
      expect(received).toBe(0);
    });
  },
  { start: { urlResolver: resolver } },
);
