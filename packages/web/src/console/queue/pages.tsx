// The queue: what waits for a human decision, minors first and then the
// oldest (the server's order). One key claims the next item and opens it.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client } from '../api.ts';
import { formatAge, formatDateTime } from '../i18n.ts';
import { type ConsolePage, REVIEWERS } from '../page.ts';
import { navigate } from '../router.ts';
import { useSession } from '../session.tsx';
import { ErrorText, Loading, PageTitle, useLoad, useShortcuts } from '../ui.tsx';
import { RevealCounter } from '../review/reveals.tsx';
import { type QueueNotice, claimNext, itemPath, takeQueueNotice } from './claim.ts';
import '../review/review.css';

type Entry = Answer<'/api/console/queue', 'get'>['items'][number];

function QueuePage() {
  const { t, i18n } = useTranslation('queue');
  const { me } = useSession();
  const [notice, setNotice] = useState<QueueNotice | null>(() => takeQueueNotice());
  const [busy, setBusy] = useState(false);
  const [claimError, setClaimError] = useState<unknown>(null);
  const queue = useLoad(() => call(client.GET('/api/console/queue')), []);

  const claim = async () => {
    if (busy) return;
    setBusy(true);
    setClaimError(null);
    setNotice(null);
    try {
      if (!(await claimNext())) {
        setNotice('nothingToClaim');
        queue.reload();
      }
    } catch (error) {
      setClaimError(error);
    } finally {
      setBusy(false);
    }
  };
  const refresh = () => {
    setNotice(null);
    queue.reload();
  };
  useShortcuts({ n: () => void claim(), r: refresh });

  const items = queue.data?.items ?? [];
  const claimLabel = (entry: Entry) => (entry.claimedBy === null ? t('claim.free') : entry.claimedBy === me.user.id ? t('claim.you') : t('claim.other'));

  return (
    <>
      <PageTitle title={t('title')}>{t('title')}</PageTitle>
      <p className="hint">{t('intro')}</p>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void claim()} disabled={busy} aria-keyshortcuts="n">
          {t('claimNext')} <kbd>n</kbd>
        </button>
        <button type="button" onClick={refresh} aria-keyshortcuts="r">
          {t('refresh')} <kbd>r</kbd>
        </button>
        <RevealCounter />
      </div>
      <div role="status" aria-live="polite">
        {notice && <p className="notice">{t(`notices.${notice}`)}</p>}
      </div>
      <ErrorText error={claimError} />
      <ErrorText error={queue.error} onRetry={queue.reload} />
      {queue.data === null ? (
        queue.loading && <Loading />
      ) : items.length === 0 ? (
        <p className="card">{t('empty')}</p>
      ) : (
        <table className="queue">
          <caption>{t('caption', { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('columns.priority')}</th>
              <th scope="col">{t('columns.kind')}</th>
              <th scope="col">{t('columns.host')}</th>
              <th scope="col">{t('columns.age')}</th>
              <th scope="col">{t('columns.claim')}</th>
              <th scope="col">{t('columns.open')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((entry) => {
              const age = formatAge(entry.createdAt, i18n.language);
              return (
                <tr key={entry.itemId} data-age-group={entry.ageGroup}>
                  <td>{entry.ageGroup === 'minor' ? <span className="badge minor">{t('priority.minor')}</span> : t(`priority.${entry.ageGroup}`)}</td>
                  <td>
                    {t(`kind.${entry.kind}`)}
                    <span className="hint"> · {t('position', { position: entry.position, count: entry.caseItemCount })}</span>
                  </td>
                  <td className="host">{entry.host ?? t('noHost')}</td>
                  <td>
                    <time dateTime={entry.createdAt} title={formatDateTime(entry.createdAt, i18n.language)}>
                      {age}
                    </time>
                  </td>
                  <td>{claimLabel(entry)}</td>
                  <td>
                    <a
                      href={itemPath(entry.itemId)}
                      aria-label={t('viewLabel', { kind: t(`kind.${entry.kind}`), age })}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate(itemPath(entry.itemId));
                      }}
                    >
                      {t('view')}
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

export const queuePages: readonly ConsolePage[] = [{ pattern: '/console/queue', roles: REVIEWERS, nav: 'queue', render: () => <QueuePage /> }];
