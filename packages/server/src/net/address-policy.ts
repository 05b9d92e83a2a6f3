// Which IP addresses Disrupt may connect to. Three doors take addresses from
// outside — URLs victims report (which the re-checker will fetch), the
// re-checker itself, partners' webhooks — and all three ask this module, so
// that no door is weaker than another (a copy per door drifted before).
//
// The rule: every block of the IANA IPv4 and IPv6 special-purpose address
// registries is refused, globally reachable or not (none hosts the content we
// fetch, and "all of them" has no exception to get wrong), plus multicast,
// the reserved 240.0.0.0/4, the deprecated site-local fec0::/10 and, for IPv6,
// anything outside global unicast 2000::/3. A deployment may allow ranges
// (DISRUPT_FETCH_ALLOW, for test fixtures); an allowed range wins.
//
// Text is parsed by Node only (`isIP`, `BlockList`: the same inet_pton that
// connect() uses), so every spelling Node accepts — zero padding, upper case,
// dotted tails, zone ids — is judged as the address it connects to. A host
// name in a URL must be taken from WHATWG `URL.hostname` first: the URL
// parser turns 2130706433, 0x7f.1 and 017700000001 into 127.0.0.1.

import { BlockList, isIP } from 'node:net';

type Family = 'ipv4' | 'ipv6';

export type AddressVerdict =
  | { readonly ok: true }
  /** Not an IP address Node would connect to (a name, or malformed text). */
  | { readonly ok: false; readonly reason: 'not_an_address' }
  /**
   * In a special-purpose block. `range` is the block as written in the IANA
   * registry; for an IPv4 address embedded in IPv6, `range` is the IPv4 block
   * and `embeddedIn` the IPv6 block that carries it.
   */
  | { readonly ok: false; readonly reason: 'special_purpose'; readonly range: string; readonly embeddedIn?: string }
  /** IPv6 outside 2000::/3: not allocated as global unicast. */
  | { readonly ok: false; readonly reason: 'not_global_unicast' };

/** IANA IPv4 special-purpose registry, plus multicast, reserved and broadcast. */
const IPV4_SPECIAL: readonly (readonly [network: string, prefix: number])[] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0/32 is "this host"
  ['10.0.0.0', 8], // private-use
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private-use
  ['192.0.0.0', 24], // IETF protocol assignments (DS-Lite, NAT64 discovery, PCP/TURN anycast)
  ['192.0.2.0', 24], // documentation TEST-NET-1
  ['192.31.196.0', 24], // AS112-v4
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private-use
  ['192.175.48.0', 24], // AS112 direct delegation
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation TEST-NET-2
  ['203.0.113.0', 24], // documentation TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['255.255.255.255', 32], // limited broadcast (listed before the block that holds it, to be named)
  ['240.0.0.0', 4], // reserved
];

/**
 * IPv6 blocks whose last 32 bits are an IPv4 address that the packet really
 * goes to: the embedded address decides. Why these two and not the whole
 * block: a resolver hands them out for ordinary public hosts — DNS64 answers
 * 64:ff9b::a.b.c.d on IPv6-only networks, dual-stack sockets show IPv4 peers
 * as ::ffff:a.b.c.d — and the embedding is fixed (RFC 4291, RFC 6052 /96), so
 * judging the IPv4 address is exact. 64:ff9b::10.0.0.1 is refused as 10/8 is.
 */
const EMBEDDING_IPV4: readonly (readonly [block: string, stem: string])[] = [
  ['::ffff:0:0/96', '::ffff:'], // IPv4-mapped
  ['64:ff9b::/96', '64:ff9b::'], // NAT64 well-known prefix
];

/**
 * Refused as whole blocks, first match names the block. The other forms that
 * embed IPv4 are refused whole rather than judged by their IPv4 address:
 * IPv4-compatible ::/96 and 6to4 are deprecated (RFC 4291, RFC 7526),
 * IPv4-translated ::ffff:0:0:0/96 is an SIIT-internal form, local-use NAT64
 * 64:ff9b:1::/48 puts the IPv4 bits where the local prefix length says, and
 * Teredo obfuscates its client address; no public web host needs any of them,
 * and decoding each would be a parser of our own to get wrong.
 */
const IPV6_SPECIAL: readonly (readonly [network: string, prefix: number])[] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0:0', 96], // IPv4-translated
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation
  ['100::', 64], // discard-only
  ['100:0:0:1::', 64], // dummy prefix
  ['2001::', 32], // Teredo (within the IETF protocol assignments below)
  ['2001::', 23], // IETF protocol assignments (benchmarking, ORCHID, AMT, anycast services)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['2620:4f:8000::', 48], // AS112 direct delegation
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing SIDs
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed inside some networks)
  ['ff00::', 8], // multicast
];

interface Block {
  readonly list: BlockList;
  readonly range: string;
  readonly embeddedIn?: string;
}

function block(network: string, prefix: number, family: Family, range = `${network}/${prefix}`, embeddedIn?: string): Block {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, range, ...(embeddedIn === undefined ? {} : { embeddedIn }) };
}

// One BlockList per block, each checked only with addresses of its own family:
// Node's BlockList also matches IPv4-mapped addresses across families, and
// the verdict must not depend on that.
const IPV4_BLOCKS = IPV4_SPECIAL.map(([network, prefix]) => block(network, prefix, 'ipv4'));
const IPV6_BLOCKS = IPV6_SPECIAL.map(([network, prefix]) => block(network, prefix, 'ipv6'));
const EMBEDDINGS = EMBEDDING_IPV4.map(([embeddedIn, stem]) => ({
  whole: block(`${stem}0.0.0.0`, 96, 'ipv6', embeddedIn),
  // 10.0.0.0/8 inside ::ffff:0:0/96 is ::ffff:10.0.0.0/104; Node reads the dotted tail.
  refused: IPV4_SPECIAL.map(([v4, prefix]) => block(`${stem}${v4}`, 96 + prefix, 'ipv6', `${v4}/${prefix}`, embeddedIn)),
}));
const GLOBAL_UNICAST = block('2000::', 3, 'ipv6');

/** "10.0.0.0/8", "::1/128" or a bare address (a whole /32 or /128). */
export function parseRange(text: string): { address: string; prefix: number; type: Family } | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || address.includes('%')) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * The IP address a WHATWG `URL.hostname` names ("[::1]" → "::1"), or null for
 * a host name. Only a hostname from the URL parser: it has already made
 * 0x7f.1 into 127.0.0.1 and refused zone ids and control characters.
 */
export function hostLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? null : bare;
}

export class AddressPolicy {
  private readonly allowed = new BlockList();

  /** `allow`: ranges that may be reached although special-purpose (parseRange syntax); throws on a bad one. */
  constructor(allow: readonly string[] = []) {
    for (const text of allow) {
      const range = parseRange(text);
      if (!range) throw new Error('allowed address ranges must be CIDR ranges or addresses');
      this.allowed.addSubnet(range.address, range.prefix, range.type);
      // An allowed IPv4 range is allowed in its IPv4-mapped spelling too: the same socket peer.
      if (range.type === 'ipv4') this.allowed.addSubnet(`::ffff:${range.address}`, 96 + range.prefix, 'ipv6');
    }
  }

  allows(address: string): boolean {
    return this.judge(address).ok;
  }

  judge(address: string): AddressVerdict {
    const version = isIP(address);
    if (version === 0) return { ok: false, reason: 'not_an_address' };
    // A zone id picks the interface, not the address: fe80::1%eth0 is fe80::1.
    const bare = version === 6 ? address.replace(/%.*$/s, '') : address;
    const family: Family = version === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(bare, family)) return { ok: true };
    if (family === 'ipv4') return refusal(IPV4_BLOCKS, bare, family) ?? { ok: true };
    for (const embedding of EMBEDDINGS) {
      if (embedding.whole.list.check(bare, family)) return refusal(embedding.refused, bare, family) ?? { ok: true };
    }
    const special = refusal(IPV6_BLOCKS, bare, family);
    if (special) return special;
    return GLOBAL_UNICAST.list.check(bare, family) ? { ok: true } : { ok: false, reason: 'not_global_unicast' };
  }
}

function refusal(blocks: readonly Block[], address: string, family: Family): AddressVerdict | null {
  const hit = blocks.find((b) => b.list.check(address, family));
  if (!hit) return null;
  return { ok: false, reason: 'special_purpose', range: hit.range, ...(hit.embeddedIn === undefined ? {} : { embeddedIn: hit.embeddedIn }) };
}

/** Public addresses only: what the victim's URL filter and partner webhooks use. */
export const PUBLIC_ADDRESSES_ONLY = new AddressPolicy();
