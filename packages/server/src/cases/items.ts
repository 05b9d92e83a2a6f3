// What a victim may add to a case, validated item by item: one bad item is
// refused with its reason, the others still go in.

import { createHash } from 'node:crypto';
import { type VpdqFrame, formatVpdqLine, parseMd5, parsePdqHash, parseVpdqLine } from '@disrupt/hashing';
import { DEFAULT_VIDEO_LIMITS } from '@disrupt/media';
import { z } from 'zod';
import type { SignalInput } from '../bank/bank.repository.ts';
import { PUBLIC_ADDRESSES_ONLY, hostLiteral } from '../net/address-policy.ts';

/** PDQ hashes under this quality carry too little of the picture to match safely. */
export const MIN_PDQ_QUALITY = 50;
export const MAX_URL_LENGTH = 2048;
/**
 * Frames of one video: the longest video we fingerprint (DEFAULT_VIDEO_LIMITS,
 * 4 hours) at one hash a second, both ends included.
 */
export const MAX_VPDQ_FRAMES = DEFAULT_VIDEO_LIMITS.maxDurationSeconds + 1;

export const itemInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url'), url: z.string() }).strict(),
  z.object({ type: z.literal('photo'), pdq: z.string(), quality: z.number().int().min(0).max(100), md5: z.string().optional() }).strict(),
  z
    .object({
      type: z.literal('video'),
      md5: z.string(),
      vpdq: z.array(
        z.object({ frame: z.number().int().min(0), quality: z.number().int().min(0).max(100), pdq: z.string(), timestamp: z.number().min(0) }).strict(),
      ),
    })
    .strict(),
]);
export type ItemInput = z.infer<typeof itemInputSchema>;

export const ITEM_REJECTIONS = [
  'malformed_item',
  'malformed_url',
  'url_not_public',
  'malformed_pdq',
  'low_quality',
  'malformed_md5',
  'malformed_vpdq',
  'too_many_frames',
] as const;
export type ItemRejection = (typeof ITEM_REJECTIONS)[number];

export type ItemDraft =
  | { readonly kind: 'url'; readonly url: string; readonly host: string; readonly dedupe: string; readonly signals: readonly [] }
  | { readonly kind: 'photo' | 'video'; readonly url: null; readonly host: null; readonly dedupe: string; readonly signals: readonly SignalInput[] };

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

export function validateItem(raw: unknown): { ok: true; draft: ItemDraft } | { ok: false; reason: ItemRejection } {
  const parsed = itemInputSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed_item' };
  const item = parsed.data;
  switch (item.type) {
    case 'url': {
      const url = normaliseUrl(item.url);
      if (!url.ok) return url;
      return { ok: true, draft: { kind: 'url', url: url.url, host: url.host, dedupe: digest(`url:${url.url}`), signals: [] } };
    }
    case 'photo': {
      const pdq = parsePdqHash(item.pdq);
      if (!pdq.ok) return { ok: false, reason: 'malformed_pdq' };
      if (item.quality < MIN_PDQ_QUALITY) return { ok: false, reason: 'low_quality' };
      const signals: SignalInput[] = [{ signalType: 'pdq', value: pdq.value, quality: item.quality, verified: false }];
      if (item.md5 !== undefined) {
        const md5 = parseMd5(item.md5);
        if (!md5.ok) return { ok: false, reason: 'malformed_md5' };
        signals.push({ signalType: 'md5', value: md5.value, quality: null, verified: false });
      }
      return { ok: true, draft: { kind: 'photo', url: null, host: null, dedupe: digest(`pdq:${pdq.value}`), signals } };
    }
    case 'video': {
      const md5 = parseMd5(item.md5);
      if (!md5.ok) return { ok: false, reason: 'malformed_md5' };
      if (item.vpdq.length === 0) return { ok: false, reason: 'malformed_vpdq' };
      if (item.vpdq.length > MAX_VPDQ_FRAMES) return { ok: false, reason: 'too_many_frames' };
      const frames: VpdqFrame[] = [];
      for (const f of item.vpdq) {
        const line = parseVpdqLine(`${f.frame},${f.quality},${f.pdq},${f.timestamp}`);
        if (!line.ok) return { ok: false, reason: 'malformed_vpdq' };
        frames.push(line.value);
      }
      if (!frames.some((f) => f.quality >= MIN_PDQ_QUALITY)) return { ok: false, reason: 'low_quality' };
      frames.sort((a, b) => a.frame - b.frame);
      const value = frames.map(formatVpdqLine).join('\n');
      const signals: SignalInput[] = [
        { signalType: 'vpdq', value, quality: null, verified: false },
        { signalType: 'md5', value: md5.value, quality: null, verified: false },
      ];
      return { ok: true, draft: { kind: 'video', url: null, host: null, dedupe: digest(`md5:${md5.value}`), signals } };
    }
  }
}

const NON_PUBLIC_SUFFIXES = ['.localhost', '.local', '.internal', '.lan', '.home.arpa', '.onion.invalid'];

/**
 * A URL as a victim pastes it, made canonical for storage and dedupe: http(s)
 * only, scheme added when missing, credentials and fragment dropped, host in
 * lower case (IDN as punycode). Hosts that cannot be on the public web are
 * refused (the re-checker will fetch these URLs).
 */
export function normaliseUrl(text: string): { ok: true; url: string; host: string } | { ok: false; reason: 'malformed_url' | 'url_not_public' } {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_URL_LENGTH || /[\s\p{Cc}]/u.test(trimmed)) return { ok: false, reason: 'malformed_url' };
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, reason: 'malformed_url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'malformed_url' };
  url.username = '';
  url.password = '';
  url.hash = '';
  const host = url.hostname.replace(/\.$/, '');
  if (host === '') return { ok: false, reason: 'malformed_url' };
  if (!isPublicHost(host)) return { ok: false, reason: 'url_not_public' };
  return { ok: true, url: url.toString(), host };
}

/**
 * Names are not resolved here — a victim's URL is data, and the re-checker
 * judges the addresses a name resolves to when it fetches — but an IP literal,
 * in whatever spelling the URL parser normalised, must be public.
 */
function isPublicHost(host: string): boolean {
  const literal = hostLiteral(host);
  if (literal !== null) return PUBLIC_ADDRESSES_ONLY.allows(literal);
  if (host === 'localhost' || !host.includes('.')) return false;
  return !NON_PUBLIC_SUFFIXES.some((suffix) => host.endsWith(suffix));
}
