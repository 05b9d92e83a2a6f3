// The audit log, for admins: the chain's state first (intact, or the first
// entry where it breaks — an edit, a deletion or a reordering), then the
// entries, newest first, filtered by action, a page at a time. Entries hold
// ids, codes and counts only: never content, hashes or personal data.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { ErrorText, Loading, PageTitle, useLoad } from '../ui.tsx';

type Entry = Answer<'/api/console/audit', 'get'>['entries'][number];

export function AuditPage() {
  const { t, i18n } = useTranslation('oversight');
  const [action, setAction] = useState('');
  const [filter, setFilter] = useState('');
  const [older, setOlder] = useState<{ entries: Entry[]; nextBefore: number | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const chain = useLoad(() => call(client.GET('/api/console/audit/verify')), []);
  const first = useLoad(async () => {
    setOlder(null);
    return call(client.GET('/api/console/audit', { params: { query: filter === '' ? { limit: 100 } : { limit: 100, action: filter } } }));
  }, [filter]);

  const entries = [...(first.data?.entries ?? []), ...(older?.entries ?? [])];
  const nextBefore = older ? older.nextBefore : (first.data?.nextBefore ?? null);

  const loadOlder = async () => {
    if (nextBefore === null) return;
    setLoadingMore(true);
    try {
      const page = await call(client.GET('/api/console/audit', { params: { query: { limit: 100, before: nextBefore, ...(filter === '' ? {} : { action: filter }) } } }));
      setOlder({ entries: [...(older?.entries ?? []), ...page.entries], nextBefore: page.nextBefore });
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <PageTitle title={t('audit.title')}>{t('audit.title')}</PageTitle>
      <section aria-labelledby="chain-title" className="card">
        <h2 id="chain-title">{t('audit.chain')}</h2>
        <ErrorText error={chain.error} onRetry={chain.reload} />
        {chain.data === null ? (
          <Loading />
        ) : chain.data.ok ? (
          <p className="success" role="status">
            ✓ {t('audit.intact', { count: chain.data.entries, at: formatDateTime(chain.data.checkedAt, i18n.language) })}
          </p>
        ) : (
          <p className="error" role="alert">
            ✗ {t('audit.broken', { id: chain.data.firstBrokenId ?? 0, count: chain.data.entries })}
          </p>
        )}
        <button type="button" className="small" onClick={chain.reload} disabled={chain.loading}>
          {t('audit.verifyAgain')}
        </button>
      </section>
      <form
        className="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter(action.trim());
        }}
      >
        <label className="inline">
          {t('audit.action')}
          <input value={action} placeholder="media.reveal" onChange={(e) => {
            setAction(e.target.value);
          }} />
        </label>
        <button type="submit">{t('audit.filter')}</button>
        {filter !== '' && (
          <button
            type="button"
            onClick={() => {
              setAction('');
              setFilter('');
            }}
          >
            {t('audit.all')}
          </button>
        )}
      </form>
      <ErrorText error={first.error} onRetry={first.reload} />
      {first.loading && first.data === null ? (
        <Loading />
      ) : (
        <table>
          <caption>{filter === '' ? t('audit.caption') : t('audit.captionFiltered', { action: filter })}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.who')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.subject')}</th>
              <th scope="col">{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{entry.id}</td>
                <td>{formatDateTime(entry.at, i18n.language)}</td>
                <td>{entry.actorEmail ?? entry.actor}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>{entry.subject ?? '—'}</td>
                <td>
                  {Object.entries(entry.detail).length === 0
                    ? '—'
                    : Object.entries(entry.detail)
                        .map(([k, v]) => `${k}: ${String(v)}`)
                        .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.length === 0 && first.data !== null && <p>{t('audit.none')}</p>}
      {nextBefore !== null && (
        <button type="button" onClick={() => void loadOlder()} disabled={loadingMore}>
          {t('audit.older')}
        </button>
      )}
    </>
  );
}
