// Webhooks end to end, on both back ends: a partner registers a URL on a real
// HTTP server on loopback; bank changes arrive in signed batches; a failing
// endpoint is retried with backoff by the job queue; every attempt is in the
// delivery log; a victim's withdrawal reaches the partner as a tombstone —
// by webhook, native feed and StopNCII — within seconds.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPartner, randomPdq, withKey } from '../../test/partners.ts';
import { describeServer } from '../../test/server.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, type WebhookBody, signWebhook } from './webhook.service.ts';

interface Received {
  readonly body: WebhookBody;
  readonly raw: string;
  readonly timestamp: string;
  readonly signature: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describeServer(
  'partner webhooks',
  ({ server }) => {
    const inject = (options: InjectOptions) => server().app.inject(options);
    const received: Received[] = [];
    let failuresLeft = 0;
    let receiver: Server;
    let url = '';

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        let raw = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => (raw += chunk));
        request.on('end', () => {
          if (failuresLeft > 0) {
            failuresLeft--;
            response.writeHead(500).end('try later');
            return;
          }
          received.push({ body: JSON.parse(raw) as WebhookBody, raw, timestamp: String(request.headers[TIMESTAMP_HEADER]), signature: String(request.headers[SIGNATURE_HEADER]) });
          response.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    });
    afterAll(async () => {
      await new Promise((resolve) => receiver.close(resolve));
    });

    it('pushes new, changed and withdrawn records in signed batches, retrying a failing endpoint, with a delivery log', async () => {
      const partner = await createPartner(server(), { scopes: ['feed:read'] });
      const key = partner.apiKey;
      expect((await inject(withKey(key, { method: 'POST', url: '/api/partner/v1/webhooks', payload: { url: 'ftp://x.example/' } }))).statusCode).toBe(400);
      expect((await inject(withKey(key, { method: 'POST', url: '/api/partner/v1/webhooks', payload: { url: 'http://user:pw@127.0.0.1/x' } }))).statusCode).toBe(400);
      // Stored as given, so no control characters: PostgreSQL refuses a NUL in text, and that must be a 400, not a 500.
      expect((await inject(withKey(key, { method: 'POST', url: '/api/partner/v1/webhooks', payload: { url: 'http://127.0.0.1/\u0000' } }))).statusCode).toBe(400);
      const registered = await inject(withKey(key, { method: 'POST', url: '/api/partner/v1/webhooks', payload: { url } }));
      expect(registered.statusCode).toBe(201);
      const hook = registered.json<{ id: string; secret: string; cursor: number }>();
      expect(hook.secret).toMatch(/^whsec_/);
      expect((await inject(withKey(key, { method: 'GET', url: '/api/partner/v1/webhooks' }))).json()).toMatchObject({ webhooks: [{ id: hook.id, url }] });

      // The first two attempts fail: the job queue retries with backoff.
      failuresLeft = 2;
      const pdq = randomPdq();
      const opened = await inject({ method: 'POST', url: '/api/victim/cases', headers: { 'idempotency-key': `w-${Math.random()}` }, payload: { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' } });
      const token = opened.json<{ token: string }>().token;
      await inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${token}` }, payload: { items: [{ type: 'photo', pdq, quality: 90 }] } });

      const added = await until('the new record', () => received.find((r) => r.body.records.some((x) => x.value === pdq)));
      expect(added.body.records.find((x) => x.value === pdq)).toMatchObject({ status: 'active', verified: false, reviewBeforeAction: true });
      // The partner's check: HMAC-SHA256 over "<timestamp>.<raw body>" with the secret.
      expect(added.signature).toBe(signWebhook(hook.secret, added.timestamp, added.raw));
      expect(Math.abs(Number(added.timestamp) - Date.now() / 1000)).toBeLessThan(120);
      expect(added.body.webhookId).toBe(hook.id);

      const log = (await inject(withKey(key, { method: 'GET', url: `/api/partner/v1/webhooks/${hook.id}/deliveries` }))).json<{ deliveries: { ok: boolean; statusCode: number | null; error: string | null }[] }>().deliveries;
      expect(log.filter((d) => !d.ok).map((d) => [d.statusCode, d.error])).toEqual([
        [500, 'http_500'],
        [500, 'http_500'],
      ]);
      expect(log.some((d) => d.ok && d.statusCode === 204)).toBe(true);

      // The victim withdraws: a tombstone reaches the partner within seconds, by every path.
      const withdrawnAt = Date.now();
      await inject({ method: 'POST', url: '/api/victim/case/withdraw', headers: { authorization: `Bearer ${token}` } });
      const tombstone = await until('the tombstone', () => received.find((r) => r.body.records.some((x) => x.value === pdq && x.status === 'withdrawn')));
      expect(tombstone.body.cursor).toBeGreaterThan(added.body.cursor);
      const feed = (await inject(withKey(key, { method: 'GET', url: `/api/partner/v1/feed?cursor=${added.body.cursor}` }))).json<{ records: { value: string; status: string }[] }>();
      expect(feed.records.find((r) => r.value === pdq)?.status).toBe('withdrawn');
      const stopncii = await inject({
        method: 'GET',
        url: `/stopncii/v1/FetchHashes?startTimestamp=${Math.floor(withdrawnAt / 1000) - 1}&pageSize=800`,
        headers: { 'Ocp-Apim-Subscription-Key': partner.stopncii.subscriptionKey, 'x-functions-key': partner.stopncii.functionKeys.FetchHashes },
      });
      expect(stopncii.json<{ hashRecords: { hashValue: string; hashStatus: string }[] }>().hashRecords.find((r) => r.hashValue === pdq)?.hashStatus).toBe('Withdrawn');

      // Removed: nothing more is sent to it, and another partner cannot see or remove it.
      const other = await createPartner(server());
      expect((await inject(withKey(other.apiKey, { method: 'DELETE', url: `/api/partner/v1/webhooks/${hook.id}` }))).statusCode).toBe(404);
      expect((await inject(withKey(other.apiKey, { method: 'GET', url: `/api/partner/v1/webhooks/${hook.id}/deliveries` }))).statusCode).toBe(404);
      expect((await inject(withKey(key, { method: 'DELETE', url: `/api/partner/v1/webhooks/${hook.id}` }))).statusCode).toBe(204);
      expect((await inject(withKey(key, { method: 'GET', url: '/api/partner/v1/webhooks' }))).json()).toEqual({ webhooks: [] });
    });
  },
  { env: { DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP: 'true' } },
);
