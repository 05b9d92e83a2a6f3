// Pieces the admin pages share: a confirmation dialog (native <dialog>, so
// the browser traps focus, closes on Escape and returns focus), a secret shown
// once with a copy button, a polite live region for what just happened, and
// field errors from the server's validation details.

import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import { errorMessage } from '../ui.tsx';

export interface ConfirmRequest {
  readonly title: string;
  readonly body: ReactNode;
  readonly confirmLabel: string;
  /** When set, the confirm button stays disabled until this exact text is typed (e.g. a partner's name). */
  readonly typeToConfirm?: string;
  readonly onConfirm: () => Promise<void>;
}

/**
 * Asks before a consequential action. The first control gets focus (the typed
 * confirmation, or Cancel: never the destructive button). While the action
 * runs the dialog stays open; an error is shown in it.
 */
export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (request && !element.open) {
      setTyped('');
      setError(null);
      element.showModal();
    } else if (!request && element.open) element.close();
  }, [request]);

  const confirm = async () => {
    if (!request) return;
    setBusy(true);
    setError(null);
    try {
      await request.onConfirm();
      onClose();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const blocked = request?.typeToConfirm !== undefined && typed !== request.typeToConfirm;
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={() => {
        if (request) onClose();
      }}
    >
      {request && (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            if (!blocked && !busy) void confirm();
          }}
        >
          <h2 id={titleId}>{request.title}</h2>
          <div>{request.body}</div>
          {request.typeToConfirm !== undefined && (
            <label className="field">
              {t('confirm.typeName', { name: request.typeToConfirm })}
              <input
                value={typed}
                autoComplete="off"
                spellCheck={false}
                onChange={(event) => {
                  setTyped(event.target.value);
                }}
              />
            </label>
          )}
          {error !== null && <ErrorLine error={error} />}
          <div className="toolbar">
            <button type="button" onClick={onClose} disabled={busy}>
              {t('common:actions.cancel')}
            </button>
            <button type="submit" className="danger" disabled={blocked || busy}>
              {request.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

function ErrorLine({ error }: { error: unknown }) {
  const { t } = useTranslation('admin');
  return (
    <p role="alert" className="error">
      {errorMessage(error, t)}
    </p>
  );
}

/** The server's validation details by field name (`body.domain` → `domain`). */
export function fieldsInError(error: unknown): Set<string> {
  const fields = new Set<string>();
  if (error instanceof ApiError) for (const detail of error.details) fields.add(detail.path.replace(/^body\./, '').split('.')[0] ?? '');
  return fields;
}

/** A secret shown once: read-only, selectable, with a copy button that says when it copied. */
export function SecretField({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation('admin');
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // No clipboard (permission, insecure context): select it for Ctrl+C.
      input.current?.select();
      setCopied('failed');
    }
  };
  return (
    <div className="secret-field">
      <label htmlFor={id}>{label}</label>
      <div className="secret-row">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => {
            event.target.select();
          }}
        />
        <button
          type="button"
          className="small"
          onClick={() => void copy()}
          aria-label={t('secret.copyLabel', { what: label })}
        >
          {t('common:actions.copy')}
        </button>
      </div>
      <p className="hint" aria-live="polite">
        {copied === 'yes' ? t('secret.copied') : copied === 'failed' ? t('secret.copyFailed') : ''}
      </p>
    </div>
  );
}

/** A panel that takes focus when it appears (what was just created, shown once). */
export function ResultPanel({ title, children, onDismiss, dismissLabel, tone = 'notice' }: { title: string; children: ReactNode; onDismiss: () => void; dismissLabel: string; tone?: 'notice' | 'plain' }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section className={`card result-panel ${tone === 'notice' ? 'once' : ''}`} aria-labelledby={titleId}>
      <h2 id={titleId} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {children}
      <div className="toolbar">
        <button type="button" onClick={onDismiss}>
          {dismissLabel}
        </button>
      </div>
    </section>
  );
}

/** What just happened, for screen readers and everyone (always mounted, so it is announced). */
export function LiveStatus({ message }: { message: string }) {
  return (
    <p role="status" className={message ? 'status-line' : 'visually-hidden'}>
      {message}
    </p>
  );
}

/** The keyboard shortcuts of a page, shown where people look. */
export function ShortcutHint({ keys }: { keys: readonly { key: string; label: string }[] }) {
  const { t } = useTranslation();
  return (
    <p className="hint shortcuts">
      {t('common:app.shortcuts')}:{' '}
      {keys.map(({ key, label }, i) => (
        <span key={key}>
          {i > 0 && ' · '}
          <kbd>{key}</kbd> {label}
        </span>
      ))}
    </p>
  );
}
