// The break prompt: a modal <dialog> (the browser traps focus in it and
// Escape closes it, which counts as "continue"); focus returns where it was.

import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { BreakDue } from './break.ts';

export function BreakDialog({ due, onTake, onContinue }: { due: NonNullable<BreakDue>; onTake: () => void; onContinue: () => void }) {
  const { t } = useTranslation('review');
  const dialog = useRef<HTMLDialogElement>(null);
  const take = useRef<HTMLButtonElement>(null);
  const continued = useRef(onContinue);
  continued.current = onContinue;

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return undefined;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!element.open) element.showModal();
    take.current?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      continued.current();
    };
    element.addEventListener('cancel', onCancel);
    return () => {
      element.removeEventListener('cancel', onCancel);
      if (element.open) element.close();
      if (before?.isConnected === true) before.focus();
    };
  }, []);

  return (
    <dialog ref={dialog} aria-labelledby="break-title" aria-describedby="break-why break-body" className="break">
      <h2 id="break-title">{t('break.title')}</h2>
      <p id="break-why">{due.reason === 'reveals' ? t('break.reveals', { count: due.count }) : t('break.minutes', { count: due.count })}</p>
      <p id="break-body">{t('break.body')}</p>
      <div className="toolbar">
        <button ref={take} type="button" className="primary" onClick={onTake}>
          {t('break.take')}
        </button>
        <button type="button" onClick={onContinue}>
          {t('break.continue')}
        </button>
      </div>
    </dialog>
  );
}
