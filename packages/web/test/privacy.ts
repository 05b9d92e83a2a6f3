// The privacy check: every request a page makes is captured (URL, every
// header, body), and none may contain any 32-byte run of a selected file, of
// its base64, or the file's name.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | null;
}

/** Starts capturing every request of every page (and worker) of the context. */
export function captureRequests(context: BrowserContext): { requests: CapturedRequest[]; settled: () => Promise<void> } {
  const requests: CapturedRequest[] = [];
  const pending: Promise<void>[] = [];
  context.on('request', (request) => {
    pending.push(
      request.allHeaders().then(
        (headers) => {
          requests.push({ method: request.method(), url: request.url(), headers, body: request.postDataBuffer() });
        },
        () => {
          requests.push({ method: request.method(), url: request.url(), headers: request.headers(), body: request.postDataBuffer() });
        },
      ),
    );
  });
  return {
    requests,
    settled: async () => {
      await Promise.all(pending);
    },
  };
}

const RUN = 32;

/** Every leak found: which file, and how (bytes, base64 or name). Empty when nothing leaked. */
export function findLeaks(requests: readonly CapturedRequest[], files: readonly string[]): string[] {
  const haystacks = requests.map((r) => Buffer.concat([Buffer.from(`${r.method} ${r.url}\n`), Buffer.from(JSON.stringify(r.headers)), r.body ?? Buffer.alloc(0)]));
  const windows = new Set<string>();
  for (const hay of haystacks) for (let i = 0; i + RUN <= hay.length; i++) windows.add(hay.toString('latin1', i, i + RUN));
  const leaks: string[] = [];
  // A body the browser could not show us (a file in a form) cannot be proven clean.
  for (const r of requests) if (r.body === null && ['POST', 'PUT', 'PATCH'].includes(r.method) && r.headers['content-type'] !== undefined) leaks.push(`${r.method} ${r.url}: unreadable body`);
  for (const path of files) {
    const bytes = readFileSync(path);
    const name = basename(path);
    if (haystacks.some((hay) => hay.includes(name) || hay.includes(encodeURIComponent(name)))) leaks.push(`${name}: name`);
    for (let i = 0; i + RUN <= bytes.length; i++) {
      if (windows.has(bytes.toString('latin1', i, i + RUN))) {
        leaks.push(`${name}: bytes at ${i}`);
        break;
      }
    }
    const base64 = bytes.toString('base64');
    for (let i = 0; i + RUN <= base64.length; i++) {
      if (windows.has(base64.slice(i, i + RUN))) {
        leaks.push(`${name}: base64 at ${i}`);
        break;
      }
    }
  }
  return leaks;
}
