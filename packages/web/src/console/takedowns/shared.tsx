// Pieces the takedowns and escalations pages share: the case page's path
// (other areas link to it), durations, the live region that says what an
// action did, and the labels of hosts and checks.

import { type TFunction } from 'i18next';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answer } from '../api.ts';
import { formatAge } from '../i18n.ts';

/** The takedowns page of a case: the review page and the lists link here. `item` selects one of its URLs. */
export function caseTakedownsPath(caseId: string, itemId?: string): string {
  return `/console/cases/${encodeURIComponent(caseId)}/takedowns${itemId === undefined ? '' : `?item=${encodeURIComponent(itemId)}`}`;
}

export type TrackedUrl = Answer<'/api/console/takedowns', 'get'>['items'][number];
export type Escalation = Answer<'/api/console/escalations', 'get'>['escalations'][number];

/** A case's id, short enough to read and to say (the first 8 characters of its UUID). */
export const shortId = (id: string) => id.slice(0, 8);

/** "2 h 5 min", "3 d 4 h": how long between two instants. */
export function formatDuration(fromIso: string, toIso: string, t: TFunction<'takedowns'>): string {
  const minutes = Math.max(0, Math.floor((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return t('duration.underMinute');
  if (minutes < 60) return t('duration.minutes', { m: minutes });
  if (minutes < 48 * 60) return t('duration.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
  return t('duration.days', { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
}

/** The live region's message and a way to set it; render `<Live message={…} />` once per page. */
export function useAnnounce(): [string, (message: string) => void] {
  const [message, setMessage] = useState('');
  const announce = useCallback((text: string) => {
    // The same words twice in a row must still be announced.
    setMessage('');
    window.setTimeout(() => {
      setMessage(text);
    }, 50);
  }, []);
  return [message, announce];
}

export function Live({ message }: { message: string }) {
  return (
    <p className="live" role="status" aria-live="polite">
      {message}
    </p>
  );
}

export function HostCell({ url }: { url: TrackedUrl }) {
  const { t } = useTranslation('takedowns');
  return (
    <>
      <span>{url.hostEntry?.name ?? t('host.notInDirectory')}</span>
      <br />
      <span className="hint">
        {url.host}
        {url.hostEntry && !url.hostEntry.hasAddress && ` · ${t('host.noAddress')}`}
      </span>
    </>
  );
}

export function LastCheck({ check }: { check: TrackedUrl['lastCheck'] }) {
  const { t, i18n } = useTranslation('takedowns');
  if (check === null) return <span className="hint">{t('neverChecked')}</span>;
  return <>{t('checkedAt', { outcome: t(`outcomes.${check.outcome}`), age: formatAge(check.checkedAt, i18n.language) })}</>;
}

export function DecisionCell({ url }: { url: Pick<TrackedUrl, 'decision' | 'minor'> }) {
  const { t } = useTranslation('takedowns');
  return (
    <>
      {t(`decisions.${url.decision ?? 'none'}`)}
      {url.minor && (
        <>
          {' '}
          <span className="badge minor">{t('minor')}</span>
        </>
      )}
    </>
  );
}
