// Victim reports for console tests, made over the victim API of the running
// server (as the portal sends them): a case, URLs, and files sent for
// verification by an analyst.

import { readFileSync } from 'node:fs';
import type { RunningServer } from '@disrupt/server';

export interface VictimCase {
  readonly token: string;
}

let counter = 0;

export async function openCase(server: RunningServer, input: { ageGroup: 'minor' | 'adult' | 'unsure'; description?: string; aiGenerated?: 'yes' | 'no' | 'unsure' }): Promise<VictimCase> {
  const opened = await server.app.inject({
    method: 'POST',
    url: '/api/victim/cases',
    headers: { 'idempotency-key': `console-review-${++counter}-${Date.now()}` },
    payload: { situation: 'online', ageGroup: input.ageGroup, aiGenerated: input.aiGenerated ?? 'no', language: 'en', ...(input.description ? { description: input.description } : {}) },
  });
  if (opened.statusCode !== 201 && opened.statusCode !== 200) throw new Error(`case not opened: ${opened.statusCode} ${opened.body}`);
  return { token: opened.json<{ token: string }>().token };
}

/** Adds URLs in one batch; returns their item ids in order. */
export async function addUrls(server: RunningServer, victim: VictimCase, urls: readonly string[]): Promise<string[]> {
  const added = await server.app.inject({
    method: 'POST',
    url: '/api/victim/case/items',
    headers: { authorization: `Bearer ${victim.token}` },
    payload: { items: urls.map((url) => ({ type: 'url', url })) },
  });
  const results = added.json<{ results: ({ ok: true; itemId: string } | { ok: false; reason: string })[] }>().results;
  return results.map((r) => {
    if (!r.ok) throw new Error(`URL refused: ${r.reason}`);
    return r.itemId;
  });
}

/** Sends a file for verification (multipart, as the portal does); returns its item id. */
export async function sendMedia(server: RunningServer, victim: VictimCase, path: string): Promise<string> {
  const boundary = '----console-review-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    readFileSync(path),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const sent = await server.app.inject({
    method: 'POST',
    url: '/api/victim/case/media',
    headers: { authorization: `Bearer ${victim.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  if (sent.statusCode !== 201) throw new Error(`media refused: ${sent.statusCode} ${sent.body}`);
  return sent.json<{ itemId: string }>().itemId;
}

/** Adds fingerprints (photo PDQ, video MD5 + vPDQ) in one batch, as the portal sends them in private mode; returns their item ids in order. */
export async function addFingerprints(server: RunningServer, victim: VictimCase, items: readonly object[]): Promise<string[]> {
  const added = await server.app.inject({ method: 'POST', url: '/api/victim/case/items', headers: { authorization: `Bearer ${victim.token}` }, payload: { items } });
  const results = added.json<{ results: ({ ok: true; itemId: string } | { ok: false; reason: string })[] }>().results;
  return results.map((r) => {
    if (!r.ok) throw new Error(`fingerprint refused: ${r.reason}`);
    return r.itemId;
  });
}
