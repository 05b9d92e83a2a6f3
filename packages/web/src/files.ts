// The files a victim has chosen, while the page is open: in memory only
// (never in browser storage), with each one's fingerprinting progress.

import type { ItemInput } from './api.ts';
import type { FileProgress } from './hashing/batch.ts';

export interface SelectedFile {
  readonly id: number;
  readonly file: File;
  readonly progress: FileProgress;
  /** blob: URL of the worker's small preview; revoked when the file is removed. */
  readonly thumbUrl: string | null;
  /** Send the file itself for verification by an analyst (off by default: private mode). */
  readonly verify: boolean;
}

/** The lines of the URL box that hold something. */
export function urlLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A line the server may accept as a URL (it has the last word: it also refuses non-public hosts). */
export function looksLikeUrl(line: string): boolean {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(line) ? line : `https://${line}`;
  if (!URL.canParse(withScheme)) return false;
  const url = new URL(withScheme);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.') && !/\s/.test(line);
}

export function isSettled(file: SelectedFile): boolean {
  return file.progress.state === 'done' || file.progress.state === 'failed';
}

export interface Submission {
  readonly items: ItemInput[];
  /** Files the victim chose to send for verification. */
  readonly media: File[];
}

/**
 * What leaves the device: URLs, and for each file either its fingerprints
 * (private mode) or, when the victim chose it and the deployment allows it,
 * the file itself. A file that could not be fingerprinted and is not sent is
 * left out (the page has said why).
 */
export function submission(urls: readonly string[], files: readonly SelectedFile[], verifyAllowed: boolean): Submission {
  const items: ItemInput[] = urls.map((url) => ({ type: 'url', url }));
  const media: File[] = [];
  for (const selected of files) {
    if (verifyAllowed && selected.verify) {
      media.push(selected.file);
      continue;
    }
    if (selected.progress.state !== 'done') continue;
    const fp = selected.progress.fingerprint;
    if (fp.kind === 'photo') items.push({ type: 'photo', pdq: fp.pdq, quality: fp.quality, md5: fp.md5 });
    else items.push({ type: 'video', md5: fp.md5, vpdq: fp.vpdq.map((f) => ({ ...f })) });
  }
  return { items, media };
}

/** Every file under the dropped entries, folders walked recursively. */
export async function filesFromDrop(items: DataTransferItemList): Promise<File[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  const out: File[] = [...loose];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      out.push(await new Promise<File>((resolve, reject) => {
        (entry as FileSystemFileEntry).file(resolve, reject);
      }));
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => {
          reader.readEntries(resolve, reject);
        });
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}
