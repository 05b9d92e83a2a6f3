// Today's count of revealed originals, shared by the queue and review pages so
// it is always in sight. It starts from the server (GET /api/console/reveals,
// counted from the audit log) and follows the `x-reveals-today` header each
// reveal answers with: the server's count, never one kept by the page.

import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { call, client } from '../api.ts';

let today: number | null = null;
const listeners = new Set<() => void>();

export function setRevealsToday(count: number): void {
  today = count;
  for (const listener of listeners) listener();
}

export function revealsToday(): number | null {
  return today;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Loads the count from the server when a page showing it opens. */
export function useRevealsToday(): number | null {
  useEffect(() => {
    let live = true;
    void call(client.GET('/api/console/reveals')).then(
      (answer) => {
        if (live) setRevealsToday(answer.today);
      },
      () => undefined, // the counter keeps its last value; the page shows its own errors
    );
    return () => {
      live = false;
    };
  }, []);
  return useSyncExternalStore(subscribe, () => today);
}

export function RevealCounter() {
  const { t } = useTranslation('review');
  const count = useRevealsToday();
  return (
    <p className="reveal-counter" role="status" aria-live="polite">
      {t('revealsToday', { count: count ?? 0 })}
    </p>
  );
}
