// Outgoing requests under the address policy, against a real HTTP server on
// the loopback interface: what a resolved name may connect to.
import { type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy, PUBLIC_ADDRESSES_ONLY } from './address-policy.ts';
import { type Resolver, guardedLookup, reachableAddresses } from './outbound.ts';

let server: Server;
let port = 0;
let hits = 0;

beforeAll(async () => {
  server = createServer((_request, response) => {
    hits++;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const answering =
  (...addresses: string[]): Resolver =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) })));

function get(lookup: LookupFunction): Promise<number | string> {
  return new Promise((resolve) => {
    const request = httpRequest(`http://fixture.example:${port}/`, { lookup, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? 'error');
    });
    request.end();
  });
}

describe('outgoing requests', () => {
  it('judges every address a name resolves to, and an IP literal as it is', async () => {
    expect(await reachableAddresses(PUBLIC_ADDRESSES_ONLY, answering('93.184.216.34'), 'site.example')).toEqual({ ok: true, addresses: [{ address: '93.184.216.34', family: 4 }] });
    expect(await reachableAddresses(PUBLIC_ADDRESSES_ONLY, answering('93.184.216.34', '::ffff:10.0.0.1'), 'site.example')).toEqual({ ok: false, reason: 'address_not_allowed' });
    expect(await reachableAddresses(PUBLIC_ADDRESSES_ONLY, answering(), 'site.example')).toEqual({ ok: false, reason: 'dns_failed' });
    expect(await reachableAddresses(PUBLIC_ADDRESSES_ONLY, () => Promise.reject(new Error('ENOTFOUND')), 'site.example')).toEqual({ ok: false, reason: 'dns_failed' });
    // A literal is never sent to the resolver.
    const never: Resolver = () => Promise.reject(new Error('resolved a literal'));
    expect(await reachableAddresses(PUBLIC_ADDRESSES_ONLY, never, '[::ffff:0:7f00:1]')).toEqual({ ok: false, reason: 'address_not_allowed' });
    expect(await reachableAddresses(PUBLIC_ADDRESSES_ONLY, never, '[2606:2800:220:1:248:1893:25c8:1946]')).toEqual({ ok: true, addresses: [{ address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 }] });
  });

  it('gives node:http a lookup that refuses names resolving into special-purpose ranges', async () => {
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:0:a00:1', 'fec0::1']) {
      expect(await get(guardedLookup(PUBLIC_ADDRESSES_ONLY, answering(address))), address).toBe('EADDRNOTALLOWED');
    }
    expect(await get(guardedLookup(PUBLIC_ADDRESSES_ONLY, () => Promise.reject(new Error('no such name'))))).toBe('ENOTFOUND');
    expect(hits).toBe(0);
    expect(await get(guardedLookup(new AddressPolicy(['127.0.0.1/32']), answering('127.0.0.1')))).toBe(200);
    expect(hits).toBe(1);
  });
});
