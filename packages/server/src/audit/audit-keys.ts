// The keys of the audit chain.
//
// Why keyed: a plain hash chain can be recomputed by anyone who can write the
// database (with the append-only triggers disabled), so an edited entry, or a
// rewritten chain, would verify. Each entry is therefore chained with an
// HMAC-SHA256 under a key derived (HKDF) from the master key, which lives
// outside the database (DISRUPT_MASTER_KEY or the data folder's key file).
//
// Why versions: rotating the master key (a later change) must leave old
// entries verifiable. Each entry stores its key's version — a short id derived
// from the key itself (so there is no counter to keep in step between the
// configuration and the database) — and verification takes a map of versions
// to keys: the current one and any retired ones.
//
// Why process state, not a port passed in: `appendAudit(tx, event)` is called
// inside transactions all over the services (some fifty call sites), with only
// the transaction in hand. A process serves one deployment with one master key
// — like the key file itself — so the keyring cannot differ between those call
// sites; it is installed once where the master key is loaded (`startServer`, and
// `openStorage` for every CLI command) and read by `appendAudit`. Threading it
// through every service would change fifty signatures for one constant. A
// process that never installed a keyring cannot write an entry at all: the
// append throws and the action's transaction rolls back, so no entry is ever
// written unkeyed.

import { createHmac } from 'node:crypto';
import { type Key, deriveKey } from '../crypto/envelope.ts';

/** HKDF info: the purpose the audit key is derived for. */
const PURPOSE = 'disrupt audit chain v1';
const VERSION_LABEL = 'disrupt audit chain key version v1';

declare const versionBrand: unique symbol;
/** 16 hex characters naming a key without revealing anything about it. */
export type AuditKeyVersion = string & { readonly [versionBrand]: true };

export function isAuditKeyVersion(value: string): value is AuditKeyVersion {
  return /^[0-9a-f]{16}$/.test(value);
}

export interface AuditKey {
  readonly version: AuditKeyVersion;
  readonly key: Key;
}

export interface AuditKeyring {
  /** The key new entries are chained with. */
  readonly current: AuditKey;
  /** Every key an entry may carry, by version: the current one and retired ones. */
  readonly byVersion: ReadonlyMap<string, Key>;
}

/** The audit key derived from a master key, and its version. */
export function auditKey(masterKey: Key): AuditKey {
  const key = deriveKey(masterKey, PURPOSE, new Uint8Array(0));
  const version = createHmac('sha256', key).update(VERSION_LABEL).digest('hex').slice(0, 16) as AuditKeyVersion;
  return { version, key };
}

/** A keyring from the current master key and any retired ones (whose entries must still verify). */
export function auditKeyring(current: Key, retired: readonly Key[] = []): AuditKeyring {
  const now = auditKey(current);
  const byVersion = new Map<string, Key>();
  for (const k of [now, ...retired.map(auditKey)]) byVersion.set(k.version, k.key);
  return { current: now, byVersion };
}

let installed: AuditKeyring | null = null;

/** Once per process, where the master key is loaded (see above for why this is process state); null removes it (tests). */
export function installAuditKeyring(keyring: AuditKeyring | null): void {
  installed = keyring;
}

/** The installed keyring; throws when none was installed, so that nothing is ever written unkeyed. */
export function installedAuditKeyring(): AuditKeyring {
  if (!installed) throw new Error('no audit keyring installed: load the master key (startServer, openStorage) before writing or verifying the audit log');
  return installed;
}
