// Expected outcomes are values: a malformed hash, a low-quality image or an
// undecodable file is a result with a reason, not an exception.

export type Result<T, Reason extends string> = { ok: true; value: T } | { ok: false; reason: Reason };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<Reason extends string>(reason: Reason): { ok: false; reason: Reason } {
  return { ok: false, reason };
}
