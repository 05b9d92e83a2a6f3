// What a revealed original may be shown as. The server sends it as
// application/octet-stream (a download, never rendered by navigation); the
// page makes a typed Blob from a short allow-list so the browser shows it in
// an <img> or <video> and nothing else: never SVG or HTML, which could carry
// script or load other resources.

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export const VIDEO_TYPES = ['video/mp4', 'video/webm', 'video/quicktime'] as const;
export type SafeMediaType = (typeof IMAGE_TYPES)[number] | (typeof VIDEO_TYPES)[number];

const SAFE: readonly string[] = [...IMAGE_TYPES, ...VIDEO_TYPES];

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  return prefix.every((b, i) => bytes[offset + i] === b);
}

const ascii = (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

/** The type from the first bytes (at least 12), or null when it is none of the allowed ones. */
export function sniffMediaType(head: Uint8Array): SafeMediaType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (startsWith(head, ascii('ftyp'), 4)) return startsWith(head, ascii('qt  '), 8) ? 'video/quicktime' : 'video/mp4';
  return null;
}

/**
 * The type to show a revealed original as: the server's `x-media-type` when
 * it is one of the allowed types, otherwise what the bytes say. A header
 * naming anything else (SVG, HTML…) is not trusted: the bytes decide, and
 * bytes of no allowed type give null (the page then shows nothing).
 */
export function mediaTypeOf(header: string | null, head: Uint8Array): SafeMediaType | null {
  const declared = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (SAFE.includes(declared)) return declared as SafeMediaType;
  return sniffMediaType(head);
}

export function isVideo(type: SafeMediaType): boolean {
  return type.startsWith('video/');
}
