// /console/takedowns: the URLs being taken down across cases, by where they
// stand (awaiting a notice, notified, removed), and the outbox of notices to
// download and send by hand. Keys 1–4 switch lists.

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client, download, filenameOf, saveBlob } from '../api.ts';
import { formatAge, formatDateTime } from '../i18n.ts';
import { navigate, useSearch } from '../router.ts';
import { ErrorText, Loading, PageTitle, errorMessage, useLoad, useShortcuts } from '../ui.tsx';
import { DecisionCell, HostCell, LastCheck, Live, type TrackedUrl, caseTakedownsPath, formatDuration, shortId, useAnnounce } from './shared.tsx';

const TABS = ['awaiting', 'notified', 'removed', 'outbox'] as const;
type Tab = (typeof TABS)[number];
type State = Exclude<Tab, 'outbox'>;
const PAGE = 50;

type Notice = Answer<'/api/console/notices/outbox', 'get'>['notices'][number];

export function TakedownsPage() {
  const { t } = useTranslation('takedowns');
  const search = useSearch();
  const asked = search.get('list');
  const tab: Tab = TABS.find((name) => name === asked) ?? 'awaiting';
  const [message, announce] = useAnnounce();
  const [round, setRound] = useState(0);
  const refresh = useCallback(() => {
    setRound((r) => r + 1);
  }, []);
  // The counts on the tabs come with any list; the outbox is small and unpaged.
  const counts = useLoad(() => call(client.GET('/api/console/takedowns', { params: { query: { state: 'awaiting', limit: 1 } } })).then((answer) => answer.counts), [round]);
  const outbox = useLoad(() => call(client.GET('/api/console/notices/outbox')).then((answer) => answer.notices), [round]);
  const go = (next: Tab) => {
    navigate(`/console/takedowns?list=${next}`, { replace: true });
  };
  useShortcuts({ '1': () => { go('awaiting'); }, '2': () => { go('notified'); }, '3': () => { go('removed'); }, '4': () => { go('outbox'); } });

  const count = (name: Tab): number | null => (name === 'outbox' ? (outbox.data?.length ?? null) : (counts.data?.[name] ?? null));

  return (
    <>
      <PageTitle title={t('title')}>{t('title')}</PageTitle>
      <p className="hint">{t('intro')}</p>
      <nav aria-label={t('tabs.label')} className="tabs">
        <ul>
          {TABS.map((name) => (
            <li key={name}>
              <a
                href={`/console/takedowns?list=${name}`}
                aria-current={tab === name ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  go(name);
                }}
              >
                {t(`tabs.${name}`)}
                {count(name) !== null && <span className="count">{count(name)}</span>}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p className="hint shortcuts">
        <kbd>1</kbd> <kbd>2</kbd> <kbd>3</kbd> <kbd>4</kbd> {t('tabs.keys')}
      </p>
      <Live message={message} />
      {tab === 'outbox' ? (
        <Outbox notices={outbox.data} error={outbox.error} onRetry={outbox.reload} announce={announce} onChanged={refresh} />
      ) : (
        <StateList key={`${tab}-${round}`} state={tab} />
      )}
    </>
  );
}

function StateList({ state }: { state: State }) {
  const { t, i18n } = useTranslation('takedowns');
  const [rows, setRows] = useState<TrackedUrl[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const first = useLoad(() => call(client.GET('/api/console/takedowns', { params: { query: { state, limit: PAGE } } })), [state]);
  const [more, setMore] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  useEffect(() => {
    if (first.data) {
      setRows(first.data.items);
      setNext(first.data.nextAfter);
    }
  }, [first.data]);

  const loadMore = () => {
    if (next === null) return;
    setMore({ loading: true, error: null });
    call(client.GET('/api/console/takedowns', { params: { query: { state, limit: PAGE, after: next } } })).then(
      (page) => {
        setRows((previous) => [...previous, ...page.items]);
        setNext(page.nextAfter);
        setMore({ loading: false, error: null });
      },
      (error: unknown) => {
        setMore({ loading: false, error });
      },
    );
  };

  if (first.error !== null && first.data === null) return <ErrorText error={first.error} onRetry={first.reload} />;
  if (first.data === null) return <Loading />;
  if (rows.length === 0) return <p>{t(`empty.${state}`)}</p>;
  const lang = i18n.language;
  return (
    <>
      <table>
        <caption>{t(`captions.${state}`)}</caption>
        <thead>
          <tr>
            <th scope="col">{t('columns.case')}</th>
            <th scope="col">{t('columns.url')}</th>
            <th scope="col">{t('columns.host')}</th>
            {state === 'awaiting' && (
              <>
                <th scope="col">{t('columns.decision')}</th>
                <th scope="col">{t('columns.accepted')}</th>
              </>
            )}
            {state !== 'awaiting' && <th scope="col">{t('columns.notified')}</th>}
            {state === 'notified' && (
              <>
                <th scope="col">{t('columns.lastCheck')}</th>
                <th scope="col">{t('columns.notices')}</th>
              </>
            )}
            {state === 'removed' && (
              <>
                <th scope="col">{t('columns.removed')}</th>
                <th scope="col">{t('columns.timeToRemoval')}</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>
                <a
                  href={caseTakedownsPath(row.caseId, row.id)}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(caseTakedownsPath(row.caseId, row.id));
                  }}
                >
                  {t('caseLink', { id: shortId(row.caseId) })} · {row.position}
                </a>
              </td>
              <td className="url">
                <code>{row.url}</code>
              </td>
              <td>
                <HostCell url={row} />
              </td>
              {state === 'awaiting' && (
                <>
                  <td>
                    <DecisionCell url={row} />
                  </td>
                  <td>{formatDateTime(row.decidedAt, lang)}</td>
                </>
              )}
              {state !== 'awaiting' && (
                <td>
                  {formatDateTime(row.notifiedAt, lang)}
                  {state === 'notified' && row.notifiedAt !== null && (
                    <>
                      <br />
                      <span className="hint">{t('since', { age: formatAge(row.notifiedAt, lang) })}</span>
                    </>
                  )}
                </td>
              )}
              {state === 'notified' && (
                <>
                  <td>
                    <LastCheck check={row.lastCheck} />
                  </td>
                  <td>{t('noticeCount', { count: row.noticeCount })}</td>
                </>
              )}
              {state === 'removed' && (
                <>
                  <td>{formatDateTime(row.removedAt, lang)}</td>
                  <td>{row.notifiedAt !== null && row.removedAt !== null ? formatDuration(row.notifiedAt, row.removedAt, t) : '—'}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorText error={more.error} />
      {next !== null && (
        <p>
          <button type="button" onClick={loadMore} disabled={more.loading}>
            {t('common:actions.more')}
          </button>
        </p>
      )}
    </>
  );
}

function Outbox({ notices, error, onRetry, announce, onChanged }: { notices: Notice[] | null; error: unknown; onRetry: () => void; announce: (m: string) => void; onChanged: () => void }) {
  const { t, i18n } = useTranslation('takedowns');
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  if (error !== null && notices === null) return <ErrorText error={error} onRetry={onRetry} />;
  if (notices === null) return <Loading />;
  const save = async (notice: Notice) => {
    setBusy(notice.id);
    setFailed(null);
    try {
      const { blob, headers } = await download('POST', `/api/console/notices/${encodeURIComponent(notice.id)}/download`);
      saveBlob(blob, filenameOf(headers, `${notice.reference}.eml`));
      announce(t('notice.downloaded', { reference: notice.reference }));
      onChanged();
    } catch (e) {
      setFailed(e);
      announce(errorMessage(e, t));
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <ErrorText error={failed} />
      {notices.length === 0 ? (
        <p>{t('empty.outbox')}</p>
      ) : (
        <table>
          <caption>{t('captions.outbox')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('columns.case')}</th>
              <th scope="col">{t('columns.reference')}</th>
              <th scope="col">{t('columns.created')}</th>
              <th scope="col">{t('columns.recipient')}</th>
              <th scope="col">{t('columns.language')}</th>
              <th scope="col">{t('columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {notices.map((notice) => (
              <tr key={notice.id}>
                <td>
                  <a
                    href={caseTakedownsPath(notice.caseId, notice.itemId)}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(caseTakedownsPath(notice.caseId, notice.itemId));
                    }}
                  >
                    {t('caseLink', { id: shortId(notice.caseId) })} · {notice.position}
                  </a>
                </td>
                <td>
                  <code>{notice.reference}</code>
                </td>
                <td>{formatDateTime(notice.createdAt, i18n.language)}</td>
                <td>{notice.recipient ?? <span className="hint">—</span>}</td>
                <td>{t(`languages.${notice.language}`)}</td>
                <td>
                  <button type="button" className="small" aria-label={t('notice.downloadLabel', { reference: notice.reference })} disabled={busy !== null} onClick={() => void save(notice)}>
                    {t('notice.download')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
