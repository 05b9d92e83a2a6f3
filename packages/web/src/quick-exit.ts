// Quick exit: the page is emptied at once, then replaced by a neutral site
// with location.replace, so the portal's history entry is overwritten (the
// portal never adds entries of its own: its pages change with replaceState).
// Browsers keep no way to erase other entries; this is as far as they allow.

export const FALLBACK_EXIT_URL = 'https://www.wikipedia.org/';

let exitUrl = FALLBACK_EXIT_URL;
const cleanups = new Set<() => void>();

export function setExitUrl(url: string): void {
  exitUrl = url;
}

/** Things to drop before leaving: workers, object URLs. */
export function onQuickExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export function quickExit(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Leaving matters more than tidying.
    }
  }
  document.title = '';
  document.body.replaceChildren();
  window.location.replace(exitUrl);
}

/** Esc pressed twice within this time leaves. */
const DOUBLE_ESC_MS = 1500;

export function installEscapeShortcut(): () => void {
  let last = 0;
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    const now = event.timeStamp;
    if (last !== 0 && now - last <= DOUBLE_ESC_MS) quickExit();
    else last = now;
  };
  window.addEventListener('keydown', onKey, true);
  return () => {
    window.removeEventListener('keydown', onKey, true);
  };
}
