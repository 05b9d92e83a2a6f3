// Sending what the victim chose: items in batches, then the files chosen for
// verification one by one. Rejections are counted by reason, for the page.

import { addAllItems, api } from './api.ts';
import type { Submission } from './files.ts';

export type Rejections = Partial<Record<string, number>>;

export async function sendSubmission(token: string, { items, media }: Submission): Promise<Rejections> {
  const rejected: Rejections = {};
  if (items.length > 0) {
    for (const result of await addAllItems(token, items)) {
      if (!result.ok) rejected[result.reason] = (rejected[result.reason] ?? 0) + 1;
    }
  }
  for (const file of media) {
    try {
      await api.addMedia(token, file);
    } catch {
      rejected.media = (rejected.media ?? 0) + 1;
    }
  }
  return rejected;
}
