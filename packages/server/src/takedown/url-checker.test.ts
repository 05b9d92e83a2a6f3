// The URL checker against a real HTTP server on the loopback interface: what
// it records for each kind of answer, and what it refuses to fetch at all.
import { type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Resolver, UrlChecker, guardedLookup, parseRange } from './url-checker.ts';

let server: Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    hits.push(request.url ?? '');
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/online') return void response.end('<html>still here</html>');
    if (path === '/gone') return void response.writeHead(410).end();
    if (path === '/missing') return void response.writeHead(404).end();
    if (path === '/legal') return void response.writeHead(451).end();
    if (path === '/error') return void response.writeHead(503).end();
    if (path === '/redirect') return void response.writeHead(302, { location: '/gone' }).end();
    if (path === '/loop') return void response.writeHead(302, { location: '/loop' }).end();
    if (path === '/to-metadata') return void response.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (path === '/to-file') return void response.writeHead(301, { location: 'file:///etc/passwd' }).end();
    if (path === '/huge') {
      response.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 120);
      const timer = setInterval(() => response.write(chunk), 1);
      response.on('close', () => { clearInterval(timer); });
      return;
    }
    if (path === '/slow') return void setTimeout(() => response.end('late'), 5_000);
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fixture: Resolver = (host) => Promise.resolve(host === 'fixture.example' ? [{ address: '127.0.0.1', family: 4 }] : Promise.reject(new Error('ENOTFOUND')));
const allowed = new UrlChecker({ allow: ['127.0.0.1/32'], resolve: fixture, timeoutMs: 2_000 });
const url = (path: string) => `http://fixture.example:${port}${path}`;

describe('UrlChecker', () => {
  it('tells online from removed from unreachable', async () => {
    expect(await allowed.check(url('/online'))).toEqual({ outcome: 'online', httpStatus: 200 });
    expect(await allowed.check(url('/gone'))).toEqual({ outcome: 'removed', httpStatus: 410 });
    expect(await allowed.check(url('/missing'))).toEqual({ outcome: 'removed', httpStatus: 404 });
    expect(await allowed.check(url('/legal'))).toEqual({ outcome: 'removed', httpStatus: 451 });
    expect(await allowed.check(url('/error'))).toEqual({ outcome: 'unreachable', httpStatus: 503, reason: 'http_error' });
  });

  it('follows redirects, a limited number of times', async () => {
    expect(await allowed.check(url('/redirect'))).toEqual({ outcome: 'removed', httpStatus: 410 });
    expect(await allowed.check(url('/loop'))).toMatchObject({ outcome: 'unreachable', reason: 'too_many_redirects' });
  });

  it('refuses loopback and private addresses unless the deployment allows them', async () => {
    const strict = new UrlChecker({ resolve: fixture, timeoutMs: 2_000 });
    const before = hits.length;
    expect(await strict.check(url('/online'))).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    expect(await strict.check(`http://127.0.0.1:${port}/online`)).toMatchObject({ reason: 'address_not_allowed' });
    expect(await strict.check(`http://[::1]:${port}/online`)).toMatchObject({ reason: 'address_not_allowed' });
    expect(await strict.check(`http://[::ffff:127.0.0.1]:${port}/online`)).toMatchObject({ reason: 'address_not_allowed' });
    expect(hits.length).toBe(before); // not one request reached the server
    for (const address of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', 'fd00::1', 'fe80::1', '224.0.0.1']) {
      expect(strict.isAllowed(address), address).toBe(false);
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) expect(strict.isAllowed(address), address).toBe(true);
  });

  it('refuses a name that resolves to any non-public address (DNS rebinding), and a redirect to one', async () => {
    const mixed = new UrlChecker({ resolve: () => Promise.resolve([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }]) });
    expect(await mixed.check('http://mixed.example/')).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    expect(await allowed.check(url('/to-metadata'))).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    expect(await allowed.check(url('/to-file'))).toMatchObject({ outcome: 'unreachable', reason: 'bad_redirect' });
  });

  it('reads little of a large body, gives up on slow servers and unknown names', async () => {
    expect(await allowed.check(url('/huge'))).toEqual({ outcome: 'online', httpStatus: 200 });
    const impatient = new UrlChecker({ allow: ['127.0.0.1'], resolve: fixture, timeoutMs: 300 });
    expect(await impatient.check(url('/slow'))).toMatchObject({ outcome: 'unreachable', reason: 'timeout' });
    expect(await allowed.check('http://nowhere.example/')).toMatchObject({ outcome: 'unreachable', reason: 'dns_failed' });
  });

  it('gives other outgoing requests (webhooks) a lookup that refuses non-public addresses', async () => {
    const post = (lookup: ReturnType<typeof guardedLookup>) =>
      new Promise<number | string>((resolve) => {
        const request = httpRequest(url('/online'), { lookup, agent: false }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
          resolve(error.code ?? 'error');
        });
        request.end();
      });
    const before = hits.length;
    expect(await post(guardedLookup(new UrlChecker(), fixture))).toBe('EADDRNOTALLOWED');
    expect(hits.length).toBe(before);
    expect(await post(guardedLookup(allowed, fixture))).toBe(200);
  });

  it('parses allowed ranges strictly', () => {
    expect(parseRange('127.0.0.1')).toEqual({ address: '127.0.0.1', prefix: 32, type: 'ipv4' });
    expect(parseRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, type: 'ipv4' });
    expect(parseRange('::1/128')).toEqual({ address: '::1', prefix: 128, type: 'ipv6' });
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x', '']) expect(parseRange(bad), bad).toBeNull();
    expect(() => new UrlChecker({ allow: ['nonsense'] })).toThrow();
  });
});
