// The URL checker against a real HTTP server on the loopback interface: what
// it records for each kind of answer, and what it refuses to fetch at all.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../net/outbound.ts';
import { UrlChecker } from './url-checker.ts';

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
    if (path === '/to-translated') return void response.writeHead(302, { location: `http://[::ffff:0:7f00:1]:${port}/online` }).end();
    if (path === '/to-hex') return void response.writeHead(302, { location: `http://0x7f.1:${port}/online` }).end();
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
  });

  it('refuses every spelling of a special-purpose literal, even where the allowed range is its IPv4 address', async () => {
    const before = hits.length;
    for (const literal of [
      '[::ffff:0:7f00:1]', // IPv4-translated ::ffff:0:0:0/96
      '[::ffff:0:127.0.0.1]',
      '[::127.0.0.1]', // IPv4-compatible ::/96
      '[0:0:0:0:0:0:7f00:1]',
      '[64:ff9b::7f00:1]', // NAT64 of loopback
      '[64:ff9b:1::7f00:1]',
      '[2002:7f00:1::1]', // 6to4 of loopback
      '[2001::1]', // Teredo
      '[fec0::1]', // site-local
      '[FEC0:0000::0001]',
    ]) {
      expect(await allowed.check(`http://${literal}:${port}/online`), literal).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    }
    const strict = new UrlChecker({ resolve: fixture, timeoutMs: 2_000 });
    for (const host of ['[::ffff:7f00:1]', '[0:0:0:0:0:FFFF:7F00:1]', '2130706433', '0x7f.1', '017700000001', '127.1', '198.18.0.1', '192.0.0.170', '[::ffff:a9fe:a9fe]']) {
      expect(await strict.check(`http://${host}:${port}/online`), host).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    }
    expect(hits.length).toBe(before);
  });

  it('refuses a name that resolves into a special-purpose range, in any IPv6 form', async () => {
    for (const address of ['::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:0:a00:1', '::10.0.0.1', 'fec0::1', 'fe80::1%eth0', '64:ff9b::a9fe:a9fe', '2002:a00:1::1', '100::1']) {
      const checker = new UrlChecker({ resolve: () => Promise.resolve([{ address, family: 6 }]) });
      expect(await checker.check('http://rebound.example/'), address).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    }
  });

  it('refuses a name that resolves to any non-public address (DNS rebinding), and a redirect to one', async () => {
    const mixed = new UrlChecker({ resolve: () => Promise.resolve([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }]) });
    expect(await mixed.check('http://mixed.example/')).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    expect(await allowed.check(url('/to-metadata'))).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    expect(await allowed.check(url('/to-file'))).toMatchObject({ outcome: 'unreachable', reason: 'bad_redirect' });
    const before = hits.length;
    expect(await allowed.check(url('/to-translated'))).toMatchObject({ outcome: 'unreachable', reason: 'address_not_allowed' });
    expect(hits.length).toBe(before + 1); // the redirecting page only
    // A redirect's host is judged as the URL parser reads it: 0x7f.1 is 127.0.0.1, the one address allowed here.
    expect(await allowed.check(url('/to-hex'))).toEqual({ outcome: 'online', httpStatus: 200 });
  });

  it('reads little of a large body, gives up on slow servers and unknown names', async () => {
    expect(await allowed.check(url('/huge'))).toEqual({ outcome: 'online', httpStatus: 200 });
    const impatient = new UrlChecker({ allow: ['127.0.0.1'], resolve: fixture, timeoutMs: 300 });
    expect(await impatient.check(url('/slow'))).toMatchObject({ outcome: 'unreachable', reason: 'timeout' });
    expect(await allowed.check('http://nowhere.example/')).toMatchObject({ outcome: 'unreachable', reason: 'dns_failed' });
  });

  it('refuses an allowed range it cannot parse', () => {
    expect(() => new UrlChecker({ allow: ['nonsense'] })).toThrow();
  });
});
