// One rule, two doors: whether a file is already known to the hotline, i.e.
// matches a bank entry an analyst or an operator verified. The upload asks it
// to spare analysts a picture they have already judged; the review queue asks
// it again when it reaches the file, because the entry may have left the bank
// meanwhile (withdrawn, deleted, reversed). Two copies of the rule would drift.

import { parseMd5, parsePdqHash } from '@disrupt/hashing';
import { type BankIndex, framesOf } from './bank-index.ts';
import type { SignalType } from './bank.repository.ts';

/** The part of the in-memory bank the rule needs. */
export type VerifiedLookup = Pick<BankIndex, 'matchPdq' | 'matchMd5' | 'matchVpdq'>;

/**
 * True when any of the signals matches an active, verified entry: MD5
 * exactly, PDQ within the match distance, vPDQ by the share of frames in
 * common (the partners' rules).
 */
export function matchesVerified(bank: VerifiedLookup, signals: readonly { readonly signalType: SignalType; readonly value: string }[]): boolean {
  return signals.some((signal) => {
    switch (signal.signalType) {
      case 'md5': {
        const hash = parseMd5(signal.value);
        return hash.ok && bank.matchMd5(hash.value).some((e) => e.verified);
      }
      case 'pdq': {
        const hash = parsePdqHash(signal.value);
        return hash.ok && bank.matchPdq(hash.value).some((m) => m.entry.verified);
      }
      case 'vpdq':
        return bank.matchVpdq(framesOf(signal.value)).some((m) => m.entry.verified);
    }
  });
}
