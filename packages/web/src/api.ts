// The victim API as the portal calls it. Shapes come from the server's route
// schemas (type-only imports: nothing of the server reaches the bundle).
// Requests carry fingerprints and the victim's answers only; a file is sent
// only when the victim asked for it to be verified.

import type { AddedMedia, CaseView, ItemInput, ItemResults, OpenCaseRequest, OpenedCase, PortalPublicConfig, VictimSession } from '@disrupt/server';

export type { AddedMedia, CaseView, ItemInput, ItemResults, OpenCaseRequest, OpenedCase, PortalPublicConfig, VictimSession };
export type { CaseItemView } from '@disrupt/server';

/** The server's batch limits for POST /api/victim/case/items: items, and bytes of JSON (MAX_ITEMS_BODY_BYTES). */
export const MAX_ITEMS_PER_BATCH = 500;
export const MAX_ITEMS_BODY_BYTES = 4 * 1024 * 1024;
/** Room for the envelope `{"items":[…]}` and the commas between items. */
const BATCH_MARGIN_BYTES = 1024;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

async function call<T>(method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string>; form?: FormData } = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.form !== undefined) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body ?? null, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (!response.ok) {
    let code = 'internal';
    try {
      const parsed = (await response.json()) as { error?: { code?: string } };
      code = parsed.error?.code ?? code;
    } catch {
      // Not our JSON: keep the generic code.
    }
    throw new ApiError(response.status, code);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const api = {
  config: () => call<PortalPublicConfig>('GET', '/api/portal/config'),
  openCase: (body: OpenCaseRequest, idempotencyKey: string) => call<OpenedCase>('POST', '/api/victim/cases', { body, headers: { 'idempotency-key': idempotencyKey } }),
  signIn: (caseNumber: string, secret: string) => call<VictimSession>('POST', '/api/victim/sessions', { body: { caseNumber, secret } }),
  signOut: (token: string) => call<undefined>('DELETE', '/api/victim/session', { token }),
  caseView: (token: string, after?: number) => call<CaseView>('GET', `/api/victim/case?limit=500${after === undefined ? '' : `&after=${after}`}`, { token }),
  addItems: (token: string, items: readonly ItemInput[]) => call<ItemResults>('POST', '/api/victim/case/items', { token, body: { items } }),
  addMedia: (token: string, file: Blob) => {
    const form = new FormData();
    // A neutral name: the file's own name never leaves the device.
    form.append('file', file, 'file');
    return call<AddedMedia>('POST', '/api/victim/case/media', { token, form });
  },
  withdraw: (token: string) => call<{ status: 'withdrawn' }>('POST', '/api/victim/case/withdraw', { token }),
};

/** The whole case: every page of its items. */
export async function fullCase(token: string): Promise<CaseView> {
  const first = await api.caseView(token);
  const items = [...first.items];
  let next = first.nextAfter;
  while (next !== null) {
    const page = await api.caseView(token, next);
    items.push(...page.items);
    next = page.nextAfter;
  }
  return { ...first, items, nextAfter: null };
}

/**
 * Consecutive batches of items that the server accepts: at most `maxCount`
 * items and `maxBytes` of JSON each (a victim with long videos sends fewer
 * items at a time, never a request the server refuses as too large). An item
 * too large on its own goes alone, and the server says why per item.
 */
export function itemBatches<T>(items: readonly T[], maxCount = MAX_ITEMS_PER_BATCH, maxBytes = MAX_ITEMS_BODY_BYTES): { start: number; items: T[] }[] {
  const encoder = new TextEncoder();
  const batches: { start: number; items: T[] }[] = [];
  let current: T[] = [];
  let start = 0;
  let bytes = 0;
  items.forEach((item, i) => {
    const size = encoder.encode(JSON.stringify(item)).length + 1;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes - BATCH_MARGIN_BYTES)) {
      batches.push({ start, items: current });
      current = [];
      start = i;
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  });
  if (current.length > 0) batches.push({ start, items: current });
  return batches;
}

/** Sends items in batches the server accepts; results keep the input's order. */
export async function addAllItems(token: string, items: readonly ItemInput[]): Promise<ItemResults['results']> {
  const results: ItemResults['results'][number][] = [];
  for (const batch of itemBatches(items)) {
    const answer = await api.addItems(token, batch.items);
    results.push(...answer.results.map((r) => ({ ...r, index: r.index + batch.start })));
  }
  return results;
}
