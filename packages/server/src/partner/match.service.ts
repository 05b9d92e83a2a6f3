// Matching for partners, against the bank in memory (BankIndex): a batch of
// hashes, or one media file the server fingerprints itself. Answers carry the
// bank record's status and verified flag, and nothing about cases.

import { type PdqHash, type VpdqFrame, parseMd5, parsePdqHash, parseVpdqLine } from '@disrupt/hashing';
import type { HashPool } from '@disrupt/media';
import type { BankIndex } from '../bank/bank-index.ts';
import type { BankEntry, BankStatus, SignalType } from '../bank/bank.repository.ts';
import { MIN_PDQ_QUALITY } from '../cases/items.ts';
import { AppError } from '../errors.ts';
import { hashBytes, mediaError } from '../media/hash-bytes.ts';
import { InProcessPdqMatcher, type PdqBatchMatcher } from './pdq-match-pool.ts';

export const MAX_MATCH_BATCH = 1000;

export type MatchQuery =
  | { readonly signalType: 'pdq'; readonly value: string; readonly quality?: number | undefined }
  | { readonly signalType: 'md5'; readonly value: string }
  | { readonly signalType: 'vpdq'; readonly frames: readonly { readonly frame: number; readonly quality: number; readonly pdq: string; readonly timestamp: number }[] };

export interface MatchHit {
  readonly signalType: SignalType;
  readonly value: string;
  /** Hamming distance (PDQ); 0 for an exact MD5; null for vPDQ (see the shares). */
  readonly distance: number | null;
  /** vPDQ: percent of the query's and of the bank video's unique frames that matched. */
  readonly queryMatchPercent?: number;
  readonly compareMatchPercent?: number;
  /** For a photo sent as media: which of the 8 rotations and flips matched. */
  readonly transform?: string;
  readonly status: BankStatus;
  readonly verified: boolean;
  readonly reviewBeforeAction: boolean;
}

export type MatchResult = { readonly index: number; readonly ok: true; readonly matches: MatchHit[] } | { readonly index: number; readonly ok: false; readonly reason: 'malformed_hash' | 'low_quality' };


function hit(entry: BankEntry, distance: number | null, extra: Partial<MatchHit> = {}): MatchHit {
  return { signalType: entry.signalType, value: entry.value, distance, ...extra, status: entry.status, verified: entry.verified, reviewBeforeAction: !entry.verified };
}

export class MatchService {
  constructor(
    private readonly bank: BankIndex,
    private readonly pool: HashPool,
    /** PDQ batches: the BankIndex itself, or a pool of matching threads that follows it. */
    private readonly pdq: PdqBatchMatcher = new InProcessPdqMatcher(bank),
  ) {}

  async matchBatch(queries: readonly MatchQuery[]): Promise<MatchResult[]> {
    // PDQ queries are searched together (on the match threads when there are some); the rest here.
    const pdqQueries: PdqHash[] = [];
    const pdqSlots: number[] = [];
    const results = queries.map((query, index): MatchResult => {
      switch (query.signalType) {
        case 'pdq': {
          const hash = parsePdqHash(query.value);
          if (!hash.ok) return { index, ok: false, reason: 'malformed_hash' };
          // A low-quality query matches noise: refused, as low-quality hashes are refused from the bank.
          if (query.quality !== undefined && query.quality < MIN_PDQ_QUALITY) return { index, ok: false, reason: 'low_quality' };
          pdqQueries.push(hash.value);
          pdqSlots.push(index);
          return { index, ok: true, matches: [] };
        }
        case 'md5': {
          const hash = parseMd5(query.value);
          if (!hash.ok) return { index, ok: false, reason: 'malformed_hash' };
          return { index, ok: true, matches: this.bank.matchMd5(hash.value).map((e) => hit(e, 0)) };
        }
        case 'vpdq': {
          const frames: VpdqFrame[] = [];
          for (const f of query.frames) {
            const line = parseVpdqLine(`${f.frame},${f.quality},${f.pdq},${f.timestamp}`);
            if (!line.ok) return { index, ok: false, reason: 'malformed_hash' };
            frames.push(line.value);
          }
          if (!frames.some((f) => f.quality >= MIN_PDQ_QUALITY)) return { index, ok: false, reason: 'low_quality' };
          return {
            index,
            ok: true,
            matches: this.bank.matchVpdq(frames).map((m) => hit(m.entry, null, { queryMatchPercent: m.queryMatchPercent, compareMatchPercent: m.compareMatchPercent })),
          };
        }
      }
    });
    if (pdqQueries.length > 0) {
      const found = await this.pdq.match(pdqQueries);
      found.forEach((matches, i) => {
        const index = pdqSlots[i]!;
        results[index] = { index, ok: true, matches: matches.map((m) => hit(m.entry, m.distance)) };
      });
    }
    return results;
  }

  /** Fingerprints a photo (with its 8 rotations and flips) or a video, and matches it. */
  async matchMedia(bytes: Uint8Array): Promise<{ kind: 'photo' | 'video'; matches: MatchHit[] }> {
    const hashed = await hashBytes(this.pool, bytes, { dihedral: true });
    if (!hashed.ok) throw mediaError(hashed);
    const file = hashed.value;
    const byEntry = new Map<number, MatchHit>();
    const keep = (id: number, candidate: MatchHit) => {
      const seen = byEntry.get(id);
      if (!seen || (candidate.distance ?? 0) < (seen.distance ?? 0)) byEntry.set(id, candidate);
    };
    for (const e of this.bank.matchMd5(file.md5)) keep(e.id, hit(e, 0));
    if (file.kind === 'photo') {
      if (file.quality < MIN_PDQ_QUALITY) throw new AppError('bad_request', 'this photo has too little detail to be matched reliably');
      const variants = Object.entries(file.dihedral ?? { orig: file.pdq });
      const found = await this.pdq.match(variants.map(([, pdq]) => pdq));
      found.forEach((matches, i) => {
        for (const m of matches) keep(m.entry.id, hit(m.entry, m.distance, { transform: variants[i]![0] }));
      });
    } else {
      for (const m of this.bank.matchVpdq(file.vpdq)) keep(m.entry.id, hit(m.entry, null, { queryMatchPercent: m.queryMatchPercent, compareMatchPercent: m.compareMatchPercent }));
    }
    return { kind: file.kind, matches: [...byEntry.values()] };
  }

}

