// The access gate tried as an attacker would, from outside, over a real
// socket: every route of the live route table × every kind of caller × many
// spellings of its path (percent-encoded letters, %2F, case, doubled
// slashes, dot segments, ;params, ? and # tricks). app.inject is not used: it
// normalises /./ and /../ and would hide what a real client can send.
//
// The rule: a spelling that reaches the route's handler passes through the
// same gate, so it gets the canonical spelling's answer for that caller; any
// other spelling is a 404 that carries nothing. A caller the canonical
// spelling refuses never gets a body other than an error from any spelling.

import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { consoleUser, type ConsoleLogin } from '../../test/console.ts';
import { createPartner } from '../../test/partners.ts';
import { describeServer } from '../../test/server.ts';
import { spellings } from '../../test/spellings.ts';
import { SESSION_COOKIE } from '../console/console-access.ts';
import type { RouteAccess } from './access.ts';

type CallerName = 'anonymous' | 'victim' | 'analyst' | 'supervisor' | 'admin' | 'partner' | 'stopncii';
const CALLERS: readonly CallerName[] = ['anonymous', 'victim', 'analyst', 'supervisor', 'admin', 'partner', 'stopncii'];

interface Answer {
  readonly status: number;
  readonly body: string;
}

const NOT_FOUND_BODY = JSON.stringify({ error: { code: 'not_found', message: 'not found' } });
/** Routes after which the caller's credentials are spent (signed out, withdrawn): fresh ones before the next spelling. */
const SPENDS_CREDENTIALS = new Set(['POST /api/console/logout', 'DELETE /api/victim/session', 'POST /api/victim/case/withdraw']);

/**
 * Who the route's declaration admits, worked out here on its own (the oracle
 * shares no code with the gate it judges). Partners hold every scope.
 */
function admits(route: RouteAccess, caller: CallerName): boolean {
  const declared = route.access;
  switch (declared.kind) {
    case 'public':
      return true;
    case 'victim':
      return caller === 'victim';
    case 'console':
      return (declared.roles as readonly string[]).includes(caller);
    case 'partner':
      return caller === 'partner';
    case 'stopncii':
      return caller === 'stopncii';
    case 'metrics':
      return false; // no caller of this test holds the operator's token
  }
}

const errorCode = (body: string): string | null => {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' ? parsed.error.code : null;
  } catch {
    return null;
  }
};

const isErrorBody = (body: string): boolean => {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === 'string' && Object.keys(parsed).length === 1;
  } catch {
    return false;
  }
};

/** A built portal of three files, so that its routes answer as in production (not "not built"). */
function portalBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'disrupt-portal-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>portal</title>');
  writeFileSync(join(dir, 'console.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {};');
  return dir;
}

describeServer(
  'access gate, every route × caller × spelling, over a socket',
  ({ server }) => {
    let port = 0;
    let clientCounter = 0;
    // A connection per request: a server that closes a connection after an odd request must not fail the next one.
    const agent = new Agent({ keepAlive: false });
    const credentials = new Map<CallerName, Record<string, string>>();
    let stopnciiKeys: { subscriptionKey: string; functionKeys: Record<string, string> } | undefined;

    /** A raw HTTP request: the path goes on the wire exactly as given. */
    const send = (method: string, path: string, headers: Record<string, string>, payload: unknown = {}): Promise<Answer> =>
      new Promise((resolve, reject) => {
        const withBody = method !== 'GET' && method !== 'HEAD';
        const body = withBody ? Buffer.from(JSON.stringify(payload)) : null;
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            agent,
            // Each request from its own client address (the test server trusts its proxy), so that
            // per-client sign-in budgets do not turn canonical and variant answers into 429s.
            headers: { ...headers, 'x-forwarded-for': `198.51.100.${(clientCounter++ % 250) + 1}`, ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}) },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
              resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
            });
            response.on('error', reject);
          },
        );
        // A connection the server drops is an answer too (judged below as a failure), not a crash of the test.
        request.on('error', (error: Error) => {
          resolve({ status: 0, body: `connection error: ${error.message}` });
        });
        request.end(body ?? undefined);
      });

    async function openVictimCase(): Promise<Record<string, string>> {
      const payload = { situation: 'online', ageGroup: 'adult', aiGenerated: 'no', language: 'en' };
      const response = await send('POST', '/api/victim/cases', { 'idempotency-key': `spellings-${randomUUID()}` }, payload);
      expect(response.status).toBe(201);
      return { authorization: `Bearer ${(JSON.parse(response.body) as { token: string }).token}` };
    }

    const consoleHeaders = (login: ConsoleLogin) => ({ cookie: `${SESSION_COOKIE}=${login.cookie}`, 'x-csrf-token': login.csrf });

    async function refresh(caller: CallerName): Promise<void> {
      switch (caller) {
        case 'anonymous':
          credentials.set(caller, {});
          return;
        case 'victim':
          credentials.set(caller, await openVictimCase());
          return;
        case 'analyst':
        case 'supervisor':
        case 'admin':
          credentials.set(caller, consoleHeaders(await consoleUser(server(), caller)));
          return;
        case 'partner': {
          const partner = await createPartner(server());
          credentials.set(caller, { authorization: `Bearer ${partner.apiKey}` });
          return;
        }
        case 'stopncii': {
          const partner = await createPartner(server());
          stopnciiKeys = partner.stopncii;
          credentials.set(caller, { 'ocp-apim-subscription-key': partner.stopncii.subscriptionKey });
          return;
        }
      }
    }

    /** The caller's headers for a route (a StopNCII function key is per endpoint). */
    function headersFor(caller: CallerName, route: RouteAccess): Record<string, string> {
      const base = credentials.get(caller) ?? {};
      if (caller !== 'stopncii' || !stopnciiKeys) return base;
      const endpoint = /^\/stopncii\/v1\/(\w+)$/.exec(route.url)?.[1] ?? 'FetchHashes';
      return { ...base, 'x-functions-key': stopnciiKeys.functionKeys[endpoint] ?? stopnciiKeys.functionKeys.FetchHashes! };
    }

    /** The route's pattern with its parameters filled in, and which segments are parameters. */
    function concrete(url: string): { path: string; params: Set<number> } {
      const params = new Set<number>();
      const segments = url
        .split('/')
        .slice(1)
        .map((segment, i) => {
          if (segment.startsWith(':')) {
            params.add(i);
            return randomUUID();
          }
          return segment === '*' ? 'not-a-file' : segment;
        });
      return { path: `/${segments.join('/')}`, params };
    }

    beforeAll(async () => {
      await server().app.listen({ host: '127.0.0.1', port: 0 });
      const address = server().app.server.address();
      if (address === null || typeof address === 'string') throw new Error('not listening');
      port = address.port;
      for (const caller of CALLERS) await refresh(caller);
    });
    afterAll(() => {
      agent.destroy();
    });

    it('gives every spelling of every route the canonical answer or an empty 404, for every caller', async () => {
      const routes = server().routes;
      // The table is the live one: every area is in it.
      for (const prefix of ['/api/console/', '/api/victim/', '/api/partner/v1/', '/stopncii/v1/', '/api/portal/', '/metrics']) {
        expect(routes.some((r) => r.url.startsWith(prefix))).toBe(true);
      }
      const failures: string[] = [];
      const started = performance.now();
      let sent = 0;
      let routedVariants = 0;
      for (const route of routes) {
        const { path, params } = concrete(route.url);
        const variants = spellings(path, params);
        const key = `${route.method} ${route.url}`;
        await Promise.all(
          CALLERS.map(async (caller) => {
            const admitted = admits(route, caller);
            const canonical = await send(route.method, path, headersFor(caller, route));
            sent++;
            if (canonical.status >= 500 || canonical.status === 0) failures.push(`${caller} ${route.method} ${path} (canonical) → ${canonical.status}`);
            // A caller the declaration does not admit is refused, with an error and nothing else.
            if (!admitted && (![401, 403, 404].includes(canonical.status) || !isErrorBody(canonical.body))) {
              failures.push(`${caller} ${route.method} ${path} (canonical, not admitted) → ${canonical.status}: ${canonical.body.slice(0, 120)}`);
            }
            if (SPENDS_CREDENTIALS.has(key) && canonical.status < 300) await refresh(caller);
            for (const variant of variants.slice(1)) {
              const answer = await send(route.method, variant.path, headersFor(caller, route));
              sent++;
              if (SPENDS_CREDENTIALS.has(key) && answer.status < 300) await refresh(caller);
              const where = `${caller} ${route.method} ${JSON.stringify(variant.path)} [${variant.name}] → ${answer.status} (canonical ${canonical.status})`;
              if (answer.status >= 500 || answer.status === 0) {
                failures.push(where);
                continue;
              }
              const emptyNotFound = answer.status === 404 && answer.body === NOT_FOUND_BODY;
              if (!admitted) {
                // The same refusal, or a 404 that carries nothing: never a body, never another status.
                if ((answer.status === canonical.status && isErrorBody(answer.body)) || emptyNotFound) continue;
                // An encoded NUL that lands on another route (`/metrics%00` on the portal's public catch-all) is refused by
                // the input check every route shares: an error that carries nothing, like the empty 404.
                if (variant.path.includes('%00') && answer.status === 400 && errorCode(answer.body) === 'validation_failed') continue;
                failures.push(`${where}: ${answer.body.slice(0, 120)}`);
                continue;
              }
              if (answer.status === canonical.status) {
                routedVariants++;
                continue;
              }
              // Public routes have no gate to walk around: a spelling may reach another public route (e.g. /api/docs/).
              if (route.access.kind === 'public' || emptyNotFound) continue;
              // An admitted caller's spelling that reached the handler with a parameter spelled otherwise
              // (`<id>;x=1`, `<id>%2Fpreview`) is refused by the handler's own validation.
              if (answer.status === 400 && errorCode(answer.body) === 'validation_failed') {
                routedVariants++;
                continue;
              }
              failures.push(`${where}: ${answer.body.slice(0, 120)}`);
            }
          }),
        );
      }
      console.log(`spellings: ${sent} requests over ${routes.length} routes in ${Math.round(performance.now() - started)} ms`);
      expect(failures.slice(0, 40)).toEqual([]);
      // The test has teeth: many spellings do reach their handler (e.g. /api/%63onsole/…), and were judged by the gate.
      expect(routedVariants).toBeGreaterThan(routes.length);
      expect(sent).toBeGreaterThan(routes.length * CALLERS.length * 10);
    }, 600_000);
  },
  { env: { DISRUPT_WEB_DIR: portalBuild(), DISRUPT_TRUST_PROXY: 'true', DISRUPT_METRICS_TOKEN: 'metrics-token-for-the-spelling-test' } },
);
