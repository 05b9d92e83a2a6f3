// /stopncii/v1: the StopNCII.org hash exchange API as Meta's
// python-threatexchange client (StopNCIIAPI) and HMA's fetcher use it, so
// that they sync Disrupt's bank unchanged with base_url_override.
//
// What those clients rely on, and how it is kept here:
// - Headers: Ocp-Apim-Subscription-Key (who calls) and x-functions-key (the
//   key of this one endpoint); 401 without either.
// - FetchHashes pages with an opaque nextPageToken while hasMoreRecords; every
//   record is the current snapshot of one hash (a later one replaces it).
// - nextSetTimestamp is the checkpoint: it never decreases, within a run or
//   across runs (HMA asserts it and aborts otherwise). A run resumes from it
//   inclusively (records of that very second come again: harmless, they are
//   snapshots), because a checkpoint that skipped a second could skip a change.
// - Only the enum strings the client knows are ever sent (it fails a record
//   on anything else); vPDQ, which StopNCII cannot carry, is left out.
// - Withdrawn and deleted hashes stay as tombstones (never removed).
// - Every 2xx answer has a JSON body (the client always parses it).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type Key, deriveKey } from '../crypto/envelope.ts';

import { AppError } from '../errors.ts';
import { access } from '../http/access.ts';
import type { App } from '../http/app.ts';
import type { FeedbackService } from './feedback.service.ts';
import type { PartnerGate } from './partner-access.ts';
import type { CaseRefStatus, FeedRecord, PartnerFeed } from './partner-feed.ts';
import type { PartnerService, StopNciiEndpoint } from './partner.service.ts';

export const STOPNCII_PREFIX = '/stopncii/v1';
const MAX_PAGE_SIZE = 5000;
const DEFAULT_PAGE_SIZE = 800;
const MAX_BATCH = 1000;

export type StopNciiHashStatus = 'Received' | 'Active' | 'Withdrawn' | 'Deleted';

export interface StopNciiRecord {
  readonly lastModtimestamp: number;
  readonly signalType: 'ImagePDQ' | 'VideoMD5';
  readonly hashValue: string;
  readonly hashStatus: StopNciiHashStatus;
  readonly caseNumbers: Record<string, StopNciiHashStatus>;
  readonly CSPFeedbacks: { source: string; feedbackValue: string; tags: string[] }[];
}

/**
 * A bank record as StopNCII shows one. Quarantined becomes Withdrawn: the
 * client must stop acting on it (it comes back as Active if an analyst
 * restores it). Unverified active hashes are Received — StopNCII's state for
 * a hash nobody has reviewed.
 */
export function toStopNcii(record: FeedRecord): StopNciiRecord | null {
  if (record.signalType === 'vpdq') return null;
  const hashStatus: StopNciiHashStatus =
    record.status === 'active' ? (record.verified ? 'Active' : 'Received') : record.status === 'deleted' ? 'Deleted' : 'Withdrawn';
  const caseStatus = (s: CaseRefStatus): StopNciiHashStatus => (s === 'active' ? 'Active' : s === 'received' ? 'Received' : 'Withdrawn');
  return {
    lastModtimestamp: Math.floor(record.updatedAt.getTime() / 1000),
    signalType: record.signalType === 'pdq' ? 'ImagePDQ' : 'VideoMD5',
    hashValue: record.value,
    hashStatus,
    caseNumbers: Object.fromEntries(record.cases.map((c) => [c.ref, caseStatus(c.status)])),
    CSPFeedbacks: record.feedback.map((f) => ({ source: f.source, feedbackValue: f.value, tags: [...f.tags] })),
  };
}

interface PageToken {
  /** The feed cursor (change sequence) after which the next page starts. */
  readonly cursor: number;
  /** The checkpoint reached so far in this run. */
  readonly checkpoint: number;
  /** The run's startTimestamp: a token only continues its own run. */
  readonly start: number;
}

/** Page tokens are signed: a forged one could move a client's checkpoint into the future and make it skip changes. */
export class PageTokens {
  private readonly key: Key;

  constructor(masterKey: Key) {
    this.key = deriveKey(masterKey, 'stopncii-page-token', new Uint8Array(0));
  }

  encode(token: PageToken): string {
    const body = Buffer.from(JSON.stringify({ v: 1, c: token.cursor, t: token.checkpoint, s: token.start })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  decode(text: string): PageToken | null {
    const [body, mac, extra] = text.split('.');
    if (body === undefined || mac === undefined || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const parsed = z.object({ v: z.literal(1), c: z.number().int().min(0), t: z.number().int().min(0), s: z.number().int().min(0) }).parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      return { cursor: parsed.c, checkpoint: parsed.t, start: parsed.s };
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

export interface StopNciiRouteDeps {
  readonly partners: PartnerService;
  readonly gate: PartnerGate;
  readonly feed: PartnerFeed;
  readonly feedback: FeedbackService;
  readonly tokens: PageTokens;
}

/** 64 hex digits are a PDQ hash, 32 an MD5: StopNCII's feedback carries the value only. */
function signalOfValue(value: string): { signalType: 'pdq' | 'md5'; value: string } | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { signalType: 'pdq', value: value.toLowerCase() };
  if (/^[0-9a-fA-F]{32}$/.test(value)) return { signalType: 'md5', value: value.toLowerCase() };
  return null;
}

/** `ImagePDQ`, or `StopNCIISignalType.ImagePDQ` as the python client's str() of the enum sends it. */
function signalOfType(type: string): 'pdq' | 'md5' | null {
  const name = type.startsWith('StopNCIISignalType.') ? type.slice('StopNCIISignalType.'.length) : type;
  return name === 'ImagePDQ' ? 'pdq' : name === 'VideoMD5' ? 'md5' : null;
}

const RECORDED = new Set(['PendingReview', 'Blocked', 'NotBlocked']);
type Recorded = 'PendingReview' | 'Blocked' | 'NotBlocked';
const isRecorded = (v: string): v is Recorded => RECORDED.has(v);

const tagsSchema = z.array(z.string().max(100)).max(20).default([]);
const rejection = z.object({ index: z.number().int(), reason: z.string() });
const submitAnswer = z.object({ count: z.number().int(), accepted: z.number().int(), rejected: z.array(rejection) });

function checkCount(count: number, length: number): void {
  if (length > MAX_BATCH) throw new AppError('payload_too_large', `at most ${MAX_BATCH} records per request`);
  if (count !== length) throw new AppError('bad_request', '"count" must equal the number of records sent');
}

export function stopNciiRoutes(deps: StopNciiRouteDeps) {
  return async (root: App): Promise<void> => {
    await root.register((app: App) => {
      app.addHook('onSend', (request, reply, payload, done) => {
        deps.gate.audit(request, reply);
        done(null, payload);
      });

      const tags = ['stopncii'];
      const security = [{ stopnciiSubscription: [], stopnciiFunction: [] }];
      const config = (endpoint: StopNciiEndpoint) => ({ access: access.stopncii(endpoint) });

      app.get(
        `${STOPNCII_PREFIX}/FetchHashes`,
        {
          config: config('FetchHashes'),
          schema: {
            tags,
            security,
            summary: 'StopNCII-compatible: the bank as hash records changed since startTimestamp, paged',
            description:
              'As api.stopncii.org: page with nextPageToken while hasMoreRecords; store nextSetTimestamp as the checkpoint and pass it as startTimestamp next time (it never decreases). hashStatus Received = unverified (review before action), Active = verified, Withdrawn/Deleted = drop the hash.',
            querystring: z.object({
              startTimestamp: z.coerce.number().int().min(0).default(0),
              pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
              nextPageToken: z.string().max(500).optional(),
            }),
            response: {
              200: z.object({
                count: z.number().int(),
                nextPageToken: z.string().nullable(),
                nextSetTimestamp: z.number().int(),
                hasMoreRecords: z.boolean(),
                hashRecords: z.array(
                  z.object({
                    lastModtimestamp: z.number().int(),
                    signalType: z.enum(['ImagePDQ', 'VideoMD5']),
                    hashValue: z.string(),
                    hashStatus: z.enum(['Received', 'Active', 'Withdrawn', 'Deleted']),
                    caseNumbers: z.record(z.string(), z.enum(['Received', 'Active', 'Withdrawn', 'Deleted'])),
                    CSPFeedbacks: z.array(z.object({ source: z.string(), feedbackValue: z.string(), tags: z.array(z.string()) })),
                  }),
                ),
              }),
            },
          },
        },
        async (request) => {
          const { startTimestamp, pageSize, nextPageToken } = request.query;
          let cursor: number | null;
          let checkpoint = startTimestamp;
          if (nextPageToken !== undefined && nextPageToken !== '') {
            const token = deps.tokens.decode(nextPageToken);
            if (!token || token.start !== startTimestamp) throw new AppError('bad_request', 'nextPageToken is not valid for this startTimestamp');
            cursor = token.cursor;
            checkpoint = Math.max(checkpoint, token.checkpoint);
          } else {
            cursor = await deps.feed.cursorAtTime(new Date(startTimestamp * 1000));
          }
          if (cursor === null) {
            request.partnerCount = 0;
            return { count: 0, nextPageToken: null, nextSetTimestamp: checkpoint, hasMoreRecords: false, hashRecords: [] };
          }
          const page = await deps.feed.page(cursor, pageSize + 1);
          const slice = page.slice(0, pageSize);
          const hasMoreRecords = page.length > pageSize;
          const hashRecords: StopNciiRecord[] = [];
          for (const record of slice) {
            checkpoint = Math.max(checkpoint, Math.floor(record.updatedAt.getTime() / 1000));
            const shown = toStopNcii(record);
            if (shown) hashRecords.push(shown);
          }
          const last = slice.at(-1)?.seq ?? cursor;
          request.partnerCount = hashRecords.length;
          return {
            count: hashRecords.length,
            nextPageToken: hasMoreRecords ? deps.tokens.encode({ cursor: last, checkpoint, start: startTimestamp }) : null,
            nextSetTimestamp: checkpoint,
            hasMoreRecords,
            hashRecords,
          };
        },
      );

      app.post(
        `${STOPNCII_PREFIX}/SubmitFeedback`,
        {
          config: config('SubmitFeedback'),
          schema: {
            tags,
            security,
            summary: 'StopNCII-compatible: feedback on hashes, by value (64 hex = PDQ, 32 hex = MD5); your partner name becomes its source',
            description: 'PendingReview, Blocked and NotBlocked are recorded; other values (None, Unknown…) carry no opinion and are rejected per record.',
            body: z.object({
              count: z.number().int().min(0),
              hashFeedbacks: z.array(z.object({ hashValue: z.string().max(64), feedbackValue: z.string().max(50), tags: tagsSchema })),
            }),
            response: { 200: submitAnswer },
          },
        },
        async (request) => {
          const { count, hashFeedbacks } = request.body;
          checkCount(count, hashFeedbacks.length);
          request.partnerCount = hashFeedbacks.length;
          const rejected: { index: number; reason: string }[] = [];
          const items: { index: number; signalType: 'pdq' | 'md5'; value: string; feedback: Recorded; tags: string[] }[] = [];
          for (const [index, f] of hashFeedbacks.entries()) {
            const signal = signalOfValue(f.hashValue);
            if (!signal) rejected.push({ index, reason: 'malformed_hash' });
            else if (!isRecorded(f.feedbackValue)) rejected.push({ index, reason: 'unsupported_feedback_value' });
            else items.push({ index, ...signal, feedback: f.feedbackValue, tags: f.tags });
          }
          const answer = await deps.feedback.feedback(request.partner!, items, { action: 'partner.feedback.stopncii' });
          for (const result of answer.results) if (!result.ok) rejected.push({ index: items[result.index]!.index, reason: result.reason });
          rejected.sort((a, b) => a.index - b.index);
          return { count, accepted: count - rejected.length, rejected };
        },
      );

      app.post(
        `${STOPNCII_PREFIX}/SubmitHashes`,
        {
          config: config('SubmitHashes'),
          schema: {
            tags,
            security,
            summary: 'StopNCII-compatible: submit hashes (ImagePDQ, VideoMD5) with your feedback on each; they enter the bank unverified',
            body: z.object({
              count: z.number().int().min(0),
              hashRecords: z.array(
                z.object({
                  lastModtimestamp: z.number().int().optional(),
                  signalType: z.string().max(50),
                  hashValue: z.string().max(64),
                  CSPFeedbacks: z.array(z.object({ feedbackValue: z.string().max(50), tags: tagsSchema })).max(20).default([]),
                }),
              ),
            }),
            response: { 200: submitAnswer },
          },
        },
        async (request) => {
          const { count, hashRecords } = request.body;
          checkCount(count, hashRecords.length);
          request.partnerCount = hashRecords.length;
          const rejected: { index: number; reason: string }[] = [];
          const items: { index: number; signalType: 'pdq' | 'md5'; value: string; feedback: { value: Recorded; tags: string[] }[] }[] = [];
          for (const [index, r] of hashRecords.entries()) {
            const signalType = signalOfType(r.signalType);
            if (!signalType) {
              rejected.push({ index, reason: 'unsupported_signal_type' });
              continue;
            }
            const feedback = r.CSPFeedbacks.flatMap((f) => (isRecorded(f.feedbackValue) ? [{ value: f.feedbackValue, tags: f.tags }] : []));
            items.push({ index, signalType, value: r.hashValue, feedback });
          }
          const answer = await deps.feedback.submitHashes(request.partner!, items);
          for (const result of answer.results) if (!result.ok) rejected.push({ index: items[result.index]!.index, reason: result.reason });
          rejected.sort((a, b) => a.index - b.index);
          return { count, accepted: count - rejected.length, rejected };
        },
      );
      return Promise.resolve();
    });
  };
}

