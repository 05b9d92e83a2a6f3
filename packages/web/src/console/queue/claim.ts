// Claiming the next item, from the queue page or straight after a decision,
// and the one-off notice the queue page shows on arrival ("the queue is
// empty", "the item went back"). The notice lives in memory only.

import { call, client } from '../api.ts';
import { navigate } from '../router.ts';

export type QueueNotice = 'nothingToClaim' | 'queueDone' | 'released' | 'onBreak';

let pending: QueueNotice | null = null;

/** The notice left for the queue page, once. */
export function takeQueueNotice(): QueueNotice | null {
  const notice = pending;
  pending = null;
  return notice;
}

export function goToQueue(notice: QueueNotice | null): void {
  pending = notice;
  navigate('/console/queue');
}

export function itemPath(itemId: string): string {
  return `/console/items/${encodeURIComponent(itemId)}`;
}

/**
 * Claims the next item and opens it. With nothing to claim, returns false
 * (the caller says so) — or, when `emptyNotice` is given, goes to the queue
 * with that notice.
 */
export async function claimNext(emptyNotice?: QueueNotice): Promise<boolean> {
  const { item } = await call(client.POST('/api/console/queue/claim'));
  if (item) {
    navigate(itemPath(item.itemId));
    return true;
  }
  if (emptyNotice) goToQueue(emptyNotice);
  return false;
}
