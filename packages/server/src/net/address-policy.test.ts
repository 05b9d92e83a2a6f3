// The address policy, table-driven. Every expectation is written by hand from
// the IANA IPv4 and IPv6 special-purpose address registries (and the IPv6
// address space registry for multicast, site-local and 2000::/3): none is
// computed with the module, so a block dropped from its table fails here.
import { describe, expect, it } from 'vitest';
import { AddressPolicy, type AddressVerdict, PUBLIC_ADDRESSES_ONLY, hostLiteral, parseRange } from './address-policy.ts';

const PUBLIC: AddressVerdict = { ok: true };
const NOT_AN_ADDRESS: AddressVerdict = { ok: false, reason: 'not_an_address' };
const NOT_GLOBAL: AddressVerdict = { ok: false, reason: 'not_global_unicast' };
const special = (range: string, embeddedIn?: string): AddressVerdict => ({ ok: false, reason: 'special_purpose', range, ...(embeddedIn === undefined ? {} : { embeddedIn }) });

/** [address, the IPv4 block it is in, or null for a public address]. */
const IPV4: readonly (readonly [string, string | null])[] = [
  ['0.0.0.0', '0.0.0.0/8'],
  ['0.1.2.3', '0.0.0.0/8'],
  ['0.255.255.255', '0.0.0.0/8'],
  ['1.0.0.0', null],
  ['9.255.255.255', null],
  ['10.0.0.0', '10.0.0.0/8'],
  ['10.1.2.3', '10.0.0.0/8'],
  ['10.255.255.255', '10.0.0.0/8'],
  ['11.0.0.0', null],
  ['100.63.255.255', null],
  ['100.64.0.0', '100.64.0.0/10'],
  ['100.100.100.200', '100.64.0.0/10'],
  ['100.127.255.255', '100.64.0.0/10'],
  ['100.128.0.0', null],
  ['126.255.255.255', null],
  ['127.0.0.0', '127.0.0.0/8'],
  ['127.0.0.1', '127.0.0.0/8'],
  ['127.255.255.254', '127.0.0.0/8'],
  ['128.0.0.0', null],
  ['169.253.255.255', null],
  ['169.254.0.0', '169.254.0.0/16'],
  ['169.254.169.254', '169.254.0.0/16'],
  ['169.254.255.255', '169.254.0.0/16'],
  ['169.255.0.0', null],
  ['172.15.255.255', null],
  ['172.16.0.0', '172.16.0.0/12'],
  ['172.20.1.1', '172.16.0.0/12'],
  ['172.31.255.255', '172.16.0.0/12'],
  ['172.32.0.0', null],
  ['191.255.255.255', null],
  ['192.0.0.0', '192.0.0.0/24'],
  ['192.0.0.8', '192.0.0.0/24'],
  ['192.0.0.9', '192.0.0.0/24'],
  ['192.0.0.170', '192.0.0.0/24'],
  ['192.0.0.255', '192.0.0.0/24'],
  ['192.0.1.0', null],
  ['192.0.2.0', '192.0.2.0/24'],
  ['192.0.2.123', '192.0.2.0/24'],
  ['192.0.3.0', null],
  ['192.31.196.1', '192.31.196.0/24'],
  ['192.52.193.1', '192.52.193.0/24'],
  ['192.88.99.1', '192.88.99.0/24'],
  ['192.88.100.1', null],
  ['192.167.255.255', null],
  ['192.168.0.0', '192.168.0.0/16'],
  ['192.168.1.1', '192.168.0.0/16'],
  ['192.168.255.255', '192.168.0.0/16'],
  ['192.169.0.0', null],
  ['192.175.48.1', '192.175.48.0/24'],
  ['198.17.255.255', null],
  ['198.18.0.0', '198.18.0.0/15'],
  ['198.19.255.255', '198.18.0.0/15'],
  ['198.20.0.0', null],
  ['198.51.100.7', '198.51.100.0/24'],
  ['203.0.113.9', '203.0.113.0/24'],
  ['203.0.114.0', null],
  ['223.255.255.255', null],
  ['224.0.0.1', '224.0.0.0/4'],
  ['239.255.255.255', '224.0.0.0/4'],
  ['240.0.0.0', '240.0.0.0/4'],
  ['254.255.255.255', '240.0.0.0/4'],
  ['255.255.255.254', '240.0.0.0/4'],
  ['255.255.255.255', '255.255.255.255/32'],
  ['8.8.8.8', null],
  ['93.184.216.34', null],
];

const IPV6: readonly (readonly [string, AddressVerdict])[] = [
  // unspecified and loopback, in several spellings
  ['::', special('::/128')],
  ['0:0:0:0:0:0:0:0', special('::/128')],
  ['0000:0000:0000:0000:0000:0000:0000:0000', special('::/128')],
  ['::1', special('::1/128')],
  ['0:0:0:0:0:0:0:1', special('::1/128')],
  ['0000::0001', special('::1/128')],
  ['::0.0.0.1', special('::1/128')],
  // IPv4-compatible ::/96: refused whole, a public IPv4 inside too
  ['::2', special('::/96')],
  ['::127.0.0.1', special('::/96')],
  ['::7f00:1', special('::/96')],
  ['0:0:0:0:0:0:a00:1', special('::/96')],
  ['::8.8.8.8', special('::/96')],
  // IPv4-mapped ::ffff:0:0/96: the IPv4 address decides
  ['::ffff:127.0.0.1', special('127.0.0.0/8', '::ffff:0:0/96')],
  ['::FFFF:127.0.0.1', special('127.0.0.0/8', '::ffff:0:0/96')],
  ['::ffff:7f00:1', special('127.0.0.0/8', '::ffff:0:0/96')],
  ['0:0:0:0:0:ffff:7f00:1', special('127.0.0.0/8', '::ffff:0:0/96')],
  ['0000:0000:0000:0000:0000:FFFF:7F00:0001', special('127.0.0.0/8', '::ffff:0:0/96')],
  ['::ffff:10.0.0.1', special('10.0.0.0/8', '::ffff:0:0/96')],
  ['::ffff:a9fe:a9fe', special('169.254.0.0/16', '::ffff:0:0/96')],
  ['::ffff:0.0.0.0', special('0.0.0.0/8', '::ffff:0:0/96')],
  ['::ffff:c000:201', special('192.0.2.0/24', '::ffff:0:0/96')],
  ['::ffff:c612:1', special('198.18.0.0/15', '::ffff:0:0/96')],
  ['::ffff:ffff:ffff', special('255.255.255.255/32', '::ffff:0:0/96')],
  ['::ffff:93.184.216.34', PUBLIC],
  ['::ffff:5db8:d822', PUBLIC],
  // IPv4-translated ::ffff:0:0:0/96: refused whole
  ['::ffff:0:7f00:1', special('::ffff:0:0:0/96')],
  ['::ffff:0:127.0.0.1', special('::ffff:0:0:0/96')],
  ['0:0:0:0:ffff:0:808:808', special('::ffff:0:0:0/96')],
  // NAT64 well-known prefix 64:ff9b::/96: the IPv4 address decides
  ['64:ff9b::127.0.0.1', special('127.0.0.0/8', '64:ff9b::/96')],
  ['64:ff9b::a00:1', special('10.0.0.0/8', '64:ff9b::/96')],
  ['64:FF9B:0:0:0:0:C0A8:0101', special('192.168.0.0/16', '64:ff9b::/96')],
  ['64:ff9b::100.64.0.1', special('100.64.0.0/10', '64:ff9b::/96')],
  ['64:ff9b::8.8.8.8', PUBLIC],
  ['64:ff9b::808:808', PUBLIC],
  ['64:ff9b:0:0:1::1', NOT_GLOBAL],
  // local-use NAT64 64:ff9b:1::/48: refused whole
  ['64:ff9b:1::a00:1', special('64:ff9b:1::/48')],
  ['64:ff9b:1::8.8.8.8', special('64:ff9b:1::/48')],
  ['64:ff9b:1:ffff::1', special('64:ff9b:1::/48')],
  // discard-only and dummy prefixes
  ['100::1', special('100::/64')],
  ['100::ffff:ffff:ffff:ffff', special('100::/64')],
  ['100:0:0:1::1', special('100:0:0:1::/64')],
  ['100:0:0:2::1', NOT_GLOBAL],
  // Teredo, inside the IETF protocol assignments 2001::/23
  ['2001::1', special('2001::/32')],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', special('2001::/32')],
  ['2001:1::1', special('2001::/23')],
  ['2001:2::1', special('2001::/23')],
  ['2001:10::1', special('2001::/23')],
  ['2001:1ff:ffff::1', special('2001::/23')],
  ['2001:200::1', PUBLIC],
  // documentation
  ['2001:db8::1', special('2001:db8::/32')],
  ['2001:DB8:0:0:0:0:0:1', special('2001:db8::/32')],
  ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', special('2001:db8::/32')],
  ['2001:db9::1', PUBLIC],
  ['3fff::1', special('3fff::/20')],
  ['3fff:fff:ffff::1', special('3fff::/20')],
  ['3fff:1000::1', PUBLIC],
  // 6to4 2002::/16: refused whole, a public IPv4 inside too
  ['2002:7f00:1::1', special('2002::/16')],
  ['2002:c0a8:101::1', special('2002::/16')],
  ['2002:808:808::1', special('2002::/16')],
  ['2003::1', PUBLIC],
  ['2620:4f:8000::1', special('2620:4f:8000::/48')],
  ['2620:4f:8001::1', PUBLIC],
  ['5f00::1', special('5f00::/16')],
  // unique local, link-local (with zone ids), site-local, multicast
  ['fc00::1', special('fc00::/7')],
  ['fd00::1', special('fc00::/7')],
  ['FDFF:ffff::1', special('fc00::/7')],
  ['fe80::1', special('fe80::/10')],
  ['fe80::1%eth0', special('fe80::/10')],
  ['FE80::1%25lo', special('fe80::/10')],
  ['febf:ffff::1', special('fe80::/10')],
  ['fec0::', special('fec0::/10')],
  ['fec0::1', special('fec0::/10')],
  ['fec0::1%2', special('fec0::/10')],
  ['feff:ffff::1', special('fec0::/10')],
  ['ff02::1', special('ff00::/8')],
  ['ff0e::1', special('ff00::/8')],
  ['FF05::1:3', special('ff00::/8')],
  // outside global unicast 2000::/3
  ['1::1', NOT_GLOBAL],
  ['4000::1', NOT_GLOBAL],
  ['8000::1', NOT_GLOBAL],
  ['e000::1', NOT_GLOBAL],
  ['fe00::1', NOT_GLOBAL],
  // public
  ['2606:2800:220:1:248:1893:25c8:1946', PUBLIC],
  ['2a00:1450:4007:80f::200e', PUBLIC],
  ['2A00:1450:4007:080F:0000:0000:0000:200E', PUBLIC],
  ['2001:4860:4860::8888', PUBLIC],
  ['2001:4860:4860:0:0:0:0:8888', PUBLIC],
];

describe('the address policy', () => {
  it.each(IPV4)('IPv4 %s is in %s', (address, range) => {
    expect(PUBLIC_ADDRESSES_ONLY.judge(address)).toEqual(range === null ? PUBLIC : special(range));
    expect(PUBLIC_ADDRESSES_ONLY.allows(address)).toBe(range === null);
  });

  it.each(IPV4)('IPv4 %s (%s) embedded in IPv6: mapped and NAT64 judged by it, the others refused whole', (address, range) => {
    expect(PUBLIC_ADDRESSES_ONLY.judge(`::ffff:${address}`)).toEqual(range === null ? PUBLIC : special(range, '::ffff:0:0/96'));
    expect(PUBLIC_ADDRESSES_ONLY.judge(`0:0:0:0:0:FFFF:${address}`)).toEqual(range === null ? PUBLIC : special(range, '::ffff:0:0/96'));
    expect(PUBLIC_ADDRESSES_ONLY.judge(`64:ff9b::${address}`)).toEqual(range === null ? PUBLIC : special(range, '64:ff9b::/96'));
    expect(PUBLIC_ADDRESSES_ONLY.judge(`::ffff:0:${address}`)).toEqual(special('::ffff:0:0:0/96'));
    expect(PUBLIC_ADDRESSES_ONLY.judge(`64:ff9b:1::${address}`)).toEqual(special('64:ff9b:1::/48'));
    // ::0.0.0.0 and ::0.0.0.1 are the unspecified and loopback addresses, named first.
    if (!address.startsWith('0.0.0.')) expect(PUBLIC_ADDRESSES_ONLY.judge(`::${address}`)).toEqual(special('::/96'));
  });

  it.each(IPV6)('IPv6 %s', (address, verdict) => {
    expect(PUBLIC_ADDRESSES_ONLY.judge(address)).toEqual(verdict);
  });

  it.each(['', 'example.com', 'localhost', '[::1]', '::1/128', '1.2.3.4.5', '0177.0.0.1', '017700000001', '2130706433', '0x7f.1', '0x7f000001', '127.1', ' 127.0.0.1', '127.0.0.1 ', 'fe80::1%', '12345::1', ':::1', '::ffff:127.0.0.01', '127.0.0.1\u0000', '::1\u0000'])(
    'refuses %j: not an address Node connects to as it is',
    (text) => {
      expect(PUBLIC_ADDRESSES_ONLY.judge(text)).toEqual(NOT_AN_ADDRESS);
      expect(PUBLIC_ADDRESSES_ONLY.allows(text)).toBe(false);
    },
  );

  it('lets an allowed range through, in its IPv4-mapped spelling too, and nothing around it', () => {
    const fixture = new AddressPolicy(['127.0.0.1/32']);
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1']) expect(fixture.allows(address), address).toBe(true);
    for (const address of ['127.0.0.2', '::1', '::127.0.0.1', '::ffff:0:7f00:1', '64:ff9b::127.0.0.1', '10.0.0.1']) expect(fixture.allows(address), address).toBe(false);
    const lab = new AddressPolicy(['10.0.0.0/8', '::1', 'fd00::/8']);
    for (const address of ['10.9.8.7', '::ffff:10.9.8.7', '::1', '0:0:0:0:0:0:0:1', 'fd12::1']) expect(lab.allows(address), address).toBe(true);
    for (const address of ['100.64.0.1', 'fc00::1', 'fe80::1', '172.16.0.1', '::ffff:172.16.0.1']) expect(lab.allows(address), address).toBe(false);
    expect(() => new AddressPolicy(['nonsense'])).toThrow();
    expect(() => new AddressPolicy(['fe80::1%eth0/128'])).toThrow();
  });

  it('parses allowed ranges strictly', () => {
    expect(parseRange('127.0.0.1')).toEqual({ address: '127.0.0.1', prefix: 32, type: 'ipv4' });
    expect(parseRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, type: 'ipv4' });
    expect(parseRange('::1/128')).toEqual({ address: '::1', prefix: 128, type: 'ipv6' });
    expect(parseRange(' fd00::/8 ')).toEqual({ address: 'fd00::', prefix: 8, type: 'ipv6' });
    for (const bad of ['10.0.0.0/33', '::/129', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x', '10.0.0.0/', '', 'fe80::1%eth0', '2130706433']) expect(parseRange(bad), bad).toBeNull();
  });

  it('reads the IP address out of a WHATWG hostname, after the URL parser has normalised it', () => {
    expect(hostLiteral('[::1]')).toBe('::1');
    expect(hostLiteral('127.0.0.1')).toBe('127.0.0.1');
    expect(hostLiteral('example.com')).toBeNull();
    expect(hostLiteral('[example.com]')).toBeNull();
    expect(hostLiteral('')).toBeNull();
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://127.1/', 'http://0177.0.0.1/', 'http://１２７.０.０.１/', 'http://127。0。0。1/', 'http://127.0.0.1./']) {
      expect(hostLiteral(new URL(url).hostname), url).toBe('127.0.0.1');
    }
    expect(hostLiteral(new URL('http://[0:0:0:0:0:FFFF:127.0.0.1]/').hostname)).toBe('::ffff:7f00:1');
  });
});
