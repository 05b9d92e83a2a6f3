// Small pieces every console page uses: the page title (focused on arrival so
// screen readers start there), loading and error states, data loading with
// reload, and keyboard shortcuts that stay out of the way while typing.

import { type DependencyList, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { type TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.ts';

export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}

/** A message for an error: the server's closed codes are translated; anything else is generic. */
export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    const known = ['network', 'not_found', 'conflict', 'bad_request', 'validation_failed', 'not_permitted', 'too_many_requests'];
    return known.includes(error.code) ? t(`common:errors.${error.code}`) : t('common:errors.generic', { code: error.code });
  }
  return t('common:errors.generic', { code: 'client' });
}

export function ErrorText({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <div role="alert" className="error">
      <p>{errorMessage(error, t)}</p>
      {onRetry && (
        <button type="button" className="small" onClick={onRetry}>
          {t('common:actions.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('common:app.loading')}
    </p>
  );
}

/**
 * What a page shows for something it loads: "loading", then `children(data)`;
 * an error with a retry button instead when nothing loaded, or above the data
 * when a reload failed (the last good data stays on screen).
 */
export function LoadedView<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.data === null) return loaded.error ? <ErrorText error={loaded.error} onRetry={loaded.reload} /> : <Loading />;
  return (
    <>
      {loaded.error !== null && <ErrorText error={loaded.error} onRetry={loaded.reload} />}
      {children(loaded.data)}
    </>
  );
}

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Runs `load` now and whenever `deps` change; a newer load wins over an older one still in flight. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const mine = ++latest.current;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    load().then(
      (data) => {
        if (mine === latest.current) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (mine === latest.current) setState((previous) => ({ data: previous.data, error, loading: false }));
      },
    );
    // The caller lists what `load` depends on.
  }, [...deps, round]);
  const reload = useCallback(() => {
    setRound((r) => r + 1);
  }, []);
  return { ...state, reload };
}

/** True when a key press belongs to a text field (shortcuts must not fire then). */
function typing(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (target === null) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/**
 * Single-key shortcuts (`n`, `1`, `?`…) for the page while it is shown. Keys
 * with Ctrl, Alt or Meta, and keys typed into fields or while a dialog is
 * open, are left alone.
 */
export function useShortcuts(keys: Record<string, (() => void) | undefined>, enabled = true): void {
  const current = useRef(keys);
  current.current = keys;
  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey || event.repeat || typing(event)) return;
      if (document.querySelector('dialog[open]') !== null) return;
      const action = current.current[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [enabled]);
}
