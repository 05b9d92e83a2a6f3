// MD5 and SHA-256 of file bytes, incremental so that a browser can hash a
// video of several gigabytes chunk by chunk. @noble/hashes is pure JavaScript
// and audited; Node adapters may use node:crypto instead (same digests, faster).

import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { type Result, err, ok } from './result.ts';

declare const md5Brand: unique symbol;
/** 32 lowercase hex digits, validated. */
export type Md5Hash = string & { readonly [md5Brand]: true };

const HEX_32 = /^[0-9a-f]{32}$/;

export function parseMd5(text: unknown): Result<Md5Hash, 'malformed_md5'> {
  if (typeof text !== 'string') return err('malformed_md5');
  const lower = text.toLowerCase();
  return lower.length === 32 && HEX_32.test(lower) ? ok(lower as Md5Hash) : err('malformed_md5');
}

export interface IncrementalDigest {
  update(chunk: Uint8Array): void;
  /** Lowercase hex; the digest cannot be updated afterwards. */
  digestHex(): string;
}

function incremental(create: () => { update(b: Uint8Array): unknown; digest(): Uint8Array }): IncrementalDigest {
  const state = create();
  return {
    update(chunk) {
      state.update(chunk);
    },
    digestHex() {
      return bytesToHex(state.digest());
    },
  };
}

export function createMd5(): IncrementalDigest {
  return incremental(() => md5.create());
}

export function createSha256(): IncrementalDigest {
  return incremental(() => sha256.create());
}

export function md5Hex(bytes: Uint8Array): Md5Hash {
  return bytesToHex(md5(bytes)) as Md5Hash;
}

export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}
