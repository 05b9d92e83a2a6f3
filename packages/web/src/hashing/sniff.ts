// What a file is, judged by its first bytes (a dropped folder's files often
// have no type, and a name proves nothing).

export type FileKind = 'photo' | 'video' | 'heic' | 'unknown';

const ascii = (bytes: Uint8Array, start: number, end: number): string => String.fromCharCode(...bytes.subarray(start, end));

export function sniffBytes(b: Uint8Array): FileKind {
  if (b.length < 12) return 'unknown';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'photo';
  if (b[0] === 0x89 && ascii(b, 1, 4) === 'PNG') return 'photo';
  if (ascii(b, 0, 4) === 'GIF8') return 'photo';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'photo';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'AVI ') return 'video';
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a)) return 'photo';
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'photo';
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
    return 'video';
  }
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'video';
  if (ascii(b, 0, 4) === 'OggS') return 'video';
  if (b[0] === 0x47 && b.length >= 189 && b[188] === 0x47) return 'video';
  if (ascii(b, 0, 3) === 'FLV') return 'video';
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0x01 && (b[3] === 0xba || b[3] === 0xb3)) return 'video';
  return 'unknown';
}

export async function sniffFile(file: Blob): Promise<FileKind> {
  return sniffBytes(new Uint8Array(await file.slice(0, 192).arrayBuffer()));
}
