// Outgoing connections under the address policy. A name is resolved once,
// every address it resolves to is judged, and the connection goes to an
// address that was judged: a second DNS answer (rebinding) has no say. An IP
// literal is judged as it is — callers of node:http must do that themselves,
// because Node never calls a `lookup` hook for a literal host.

import { lookup as dnsLookup } from 'node:dns/promises';
import { type LookupFunction, isIP } from 'node:net';
import { type AddressPolicy, hostLiteral } from './address-policy.ts';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export type Reachable = { readonly ok: true; readonly addresses: readonly ResolvedAddress[] } | { readonly ok: false; readonly reason: 'address_not_allowed' | 'dns_failed' };

export async function systemResolve(hostname: string): Promise<readonly ResolvedAddress[]> {
  const list = await dnsLookup(hostname, { all: true, verbatim: true });
  return list.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/**
 * The addresses `hostname` (a WHATWG URL.hostname, or a bare name) may be
 * reached at. One refused address refuses the name: a host that answers with
 * both a public and a private address is trying something.
 */
export async function reachableAddresses(policy: AddressPolicy, resolve: Resolver, hostname: string): Promise<Reachable> {
  const literal = hostLiteral(hostname);
  let list: readonly ResolvedAddress[];
  if (literal !== null) list = [{ address: literal, family: isIP(literal) === 6 ? 6 : 4 }];
  else {
    try {
      list = await resolve(hostname);
    } catch {
      return { ok: false, reason: 'dns_failed' };
    }
  }
  if (list.length === 0) return { ok: false, reason: 'dns_failed' };
  if (!list.every((a) => policy.allows(a.address))) return { ok: false, reason: 'address_not_allowed' };
  return { ok: true, addresses: list };
}

/** The error a refused connection fails with (code EADDRNOTALLOWED), from the lookup hook or a literal check. */
export function addressNotAllowed(): Error & { code: string } {
  return Object.assign(new Error('address not allowed'), { code: 'EADDRNOTALLOWED' });
}

/**
 * A `lookup` for node:http(s) requests: resolves the name and refuses it when
 * any of its addresses is refused, so the connection goes to an address that
 * was checked. Not called by Node for an IP-literal host: check those with
 * the policy before the request.
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    void reachableAddresses(policy, resolve, hostname).then((reachable) => {
      if (!reachable.ok) {
        const error = reachable.reason === 'dns_failed' ? Object.assign(new Error('name not resolved'), { code: 'ENOTFOUND' }) : addressNotAllowed();
        callback(error, '', 4);
      } else if (options.all) {
        (callback as unknown as (e: null, all: ResolvedAddress[]) => void)(null, [...reachable.addresses]);
      } else {
        callback(null, reachable.addresses[0]!.address, reachable.addresses[0]!.family);
      }
    });
  };
}
