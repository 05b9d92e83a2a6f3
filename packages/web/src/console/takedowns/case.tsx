// /console/cases/:caseId/takedowns: a case's URLs (paged: a case can have
// hundreds), and for the selected one its host, the notice (preview in French
// or English, send by e-mail or to the outbox, download from the outbox), its
// re-checks ("check now"), removal and the time it took; and for a case about
// a minor, its escalations to the authorities. Keys: n/p next and previous
// URL, v preview, s send the notice, c check now.

import { type SyntheticEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, call, client, download, filenameOf, saveBlob } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { navigate, useSearch } from '../router.ts';
import { ErrorText, Loading, PageTitle, errorMessage, useLoad, useShortcuts } from '../ui.tsx';
import { EscalateForm, EscalationsTable } from './escalations.tsx';
import { DecisionCell, type Escalation, HostCell, Live, type TrackedUrl, caseTakedownsPath, formatDuration, shortId, useAnnounce } from './shared.tsx';

const PAGE = 50;
const ACCEPTED = ['ncii_adult', 'ncii_minor', 'duplicate'];

type CaseInfo = Answer<'/api/console/cases/{caseId}/takedowns', 'get'>['case'];
type Detail = Answer<'/api/console/items/{id}', 'get'>;
type Preview = Answer<'/api/console/items/{id}/notice-preview', 'post'>;
type Notice = Detail['notices'][number];
type Language = 'fr' | 'en';

export function CaseTakedownsPage({ caseId }: { caseId: string }) {
  const { t } = useTranslation('takedowns');
  const search = useSearch();
  const [selected, setSelected] = useState<string | null>(search.get('item'));
  const [focusDetail, setFocusDetail] = useState(false);
  const [message, announce] = useAnnounce();
  const [rows, setRows] = useState<TrackedUrl[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [caseInfo, setCaseInfo] = useState<CaseInfo | null>(null);
  const [round, setRound] = useState(0);
  const loaded = useRef(0);
  loaded.current = rows.length;
  // A refresh reloads as many rows as are shown (up to the server's page limit).
  const list = useLoad(
    () => call(client.GET('/api/console/cases/{caseId}/takedowns', { params: { path: { caseId }, query: { limit: Math.min(200, Math.max(PAGE, loaded.current)) } } })),
    [caseId, round],
  );
  useEffect(() => {
    if (!list.data) return;
    setRows(list.data.items);
    setNext(list.data.nextAfter);
    setCaseInfo(list.data.case);
  }, [list.data]);
  const refresh = useCallback(() => {
    setRound((r) => r + 1);
  }, []);

  const select = useCallback(
    (id: string, focus: boolean) => {
      setSelected(id);
      setFocusDetail(focus);
      // The address keeps the selection (bookmarks, reload) without a new history entry.
      window.history.replaceState(null, '', caseTakedownsPath(caseId, id));
    },
    [caseId],
  );
  useEffect(() => {
    if (selected === null && rows[0]) select(rows[0].id, false);
  }, [rows, selected, select]);

  const [more, setMore] = useState<unknown>(null);
  const loadMore = async (): Promise<TrackedUrl[]> => {
    if (next === null) return [];
    try {
      const page = await call(client.GET('/api/console/cases/{caseId}/takedowns', { params: { path: { caseId }, query: { after: next, limit: PAGE } } }));
      setRows((previous) => [...previous, ...page.items]);
      setNext(page.nextAfter);
      return page.items;
    } catch (error) {
      setMore(error);
      return [];
    }
  };

  const index = rows.findIndex((row) => row.id === selected);
  const move = (step: 1 | -1) => {
    const target = rows[index + step];
    if (target) select(target.id, true);
    else if (step === 1 && next !== null) {
      void loadMore().then((added) => {
        if (added[0]) select(added[0].id, true);
      });
    }
  };
  useShortcuts({ n: () => { move(1); }, p: () => { move(-1); } });

  const title = t('case.title', { id: shortId(caseId) });
  if (list.error !== null && list.data === null) {
    return (
      <>
        <PageTitle title={title}>{title}</PageTitle>
        <ErrorText error={list.error} onRetry={list.reload} />
      </>
    );
  }
  const current = index >= 0 ? rows[index] : undefined;
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <p className="toolbar">
        <a
          href="/console/takedowns"
          onClick={(event) => {
            event.preventDefault();
            navigate('/console/takedowns');
          }}
        >
          {t('case.back')}
        </a>
        {caseInfo && <span>{t('case.summary', { count: caseInfo.urlCount })}</span>}
        {caseInfo?.aboutMinor && <span className="badge minor">{t('case.aboutMinor')}</span>}
      </p>
      <p className="hint shortcuts">
        <kbd>n</kbd> {t('shortcuts.next')} · <kbd>p</kbd> {t('shortcuts.previous')} · <kbd>v</kbd> {t('shortcuts.preview')} · <kbd>s</kbd> {t('shortcuts.send')} · <kbd>c</kbd> {t('shortcuts.check')}
      </p>
      <Live message={message} />
      {list.data === null || caseInfo === null ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p>{t('case.empty')}</p>
      ) : (
        <div className="takedowns-case">
          <div>
            <table className="url-list">
              <caption>{t('case.caption', { shown: rows.length, count: caseInfo.urlCount })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('columns.position')}</th>
                  <th scope="col">{t('columns.url')}</th>
                  <th scope="col">{t('columns.status')}</th>
                  <th scope="col">{t('removal.title')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id} className={row.id === selected ? 'selected' : undefined}>
                    <td>
                      <button type="button" className="small" aria-pressed={row.id === selected} aria-label={t('case.select', { position: row.position })} onClick={() => { select(row.id, true); }}>
                        {row.id === selected ? '▸ ' : ''}
                        {row.position}
                      </button>
                    </td>
                    <td className="url">
                      <code>{row.url}</code>
                      <br />
                      <HostCell url={row} />
                    </td>
                    <td>
                      {t(`statuses.${row.status}`)}
                      <br />
                      <span className="hint">
                        <DecisionCell url={row} />
                      </span>
                    </td>
                    <td>
                      {row.removedAt !== null ? (
                        <>
                          {t('statuses.removed')}
                          {row.notifiedAt !== null && (
                            <>
                              <br />
                              <span className="hint">{formatDuration(row.notifiedAt, row.removedAt, t)}</span>
                            </>
                          )}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ErrorText error={more} />
            {next !== null && (
              <p>
                <button type="button" onClick={() => void loadMore()}>
                  {t('common:actions.more')}
                </button>
              </p>
            )}
          </div>
          <section aria-labelledby="url-detail-title" className="url-detail">
            {current ? (
              <UrlDetail key={current.id} row={current} focusOnMount={focusDetail} onChanged={refresh} announce={announce} />
            ) : (
              <p id="url-detail-title">{t('case.pick')}</p>
            )}
          </section>
        </div>
      )}
      {caseInfo?.aboutMinor && <CaseEscalations caseId={caseId} announce={announce} onEscalated={refresh} />}
    </>
  );
}

function UrlDetail({ row, focusOnMount, onChanged, announce }: { row: TrackedUrl; focusOnMount: boolean; onChanged: () => void; announce: (m: string) => void }) {
  const { t, i18n } = useTranslation('takedowns');
  const [round, setRound] = useState(0);
  const detail = useLoad(() => call(client.GET('/api/console/items/{id}', { params: { path: { id: row.id } } })), [row.id, round]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) heading.current?.focus();
  }, [focusOnMount]);
  const changed = useCallback(() => {
    setRound((r) => r + 1);
    onChanged();
  }, [onChanged]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const act = async (action: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      announce(await action());
      changed();
    } catch (e) {
      setError(e);
      announce(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  };
  const checkNow = () =>
    void act(async () => {
      const check = await call(client.POST('/api/console/items/{id}/check', { params: { path: { id: row.id } } }));
      return t('checks.result', { outcome: t(`outcomes.${check.outcome}`), status: check.httpStatus === null ? '' : ` (HTTP ${check.httpStatus})` });
    });
  const confirmRemoved = () =>
    void act(async () => {
      await call(client.POST('/api/console/items/{id}/removed', { params: { path: { id: row.id } } }));
      return t('checks.confirmed');
    });
  const saveNotice = (notice: Notice) =>
    void act(async () => {
      const { blob, headers } = await download('POST', `/api/console/notices/${encodeURIComponent(notice.id)}/download`);
      saveBlob(blob, filenameOf(headers, `${notice.reference}.eml`));
      return t('notice.downloaded', { reference: notice.reference });
    });

  const data = detail.data;
  const lang = i18n.language;
  const isUrl = data?.item.kind === 'url';
  useShortcuts({ c: isUrl ? checkNow : undefined });

  return (
    <>
      <h2 id="url-detail-title" ref={heading} tabIndex={-1}>
        {t('case.urlTitle', { position: row.position })}
      </h2>
      <p className="url">
        <code>{row.url}</code>
      </p>
      <p>
        {t(`statuses.${row.status}`)} · <DecisionCell url={row} />
      </p>
      <ErrorText error={error} />
      {detail.error !== null && data === null && <ErrorText error={detail.error} onRetry={detail.reload} />}
      {data === null ? (
        detail.error === null && <Loading />
      ) : (
        <>
          <h3>{t('columns.host')}</h3>
          {data.hostEntry ? (
            <dl className="facts">
              <dt>{t('columns.host')}</dt>
              <dd>
                {data.hostEntry.name} <span className="hint">({data.hostEntry.domain})</span>
                {data.hostEntry.partner && (
                  <>
                    {' '}
                    <span className="badge">{t('host.partner')}</span>
                  </>
                )}
              </dd>
              <dt>{t('host.abuseEmail')}</dt>
              <dd>{data.hostEntry.abuseEmail ?? t('host.noAddress')}</dd>
              <dt>{t('host.language')}</dt>
              <dd>{t(`languages.${data.hostEntry.language}`)}</dd>
            </dl>
          ) : (
            <p>{t('host.none', { host: data.item.host ?? '—' })}</p>
          )}

          <h3>{t('notice.title')}</h3>
          {data.case.status !== 'open' ? (
            <p>{t('notice.closed')}</p>
          ) : data.item.decision === null || !ACCEPTED.includes(data.item.decision) ? (
            <p>{t('notice.notAccepted')}</p>
          ) : data.item.removedAt !== null ? (
            <p>{t('notice.removed')}</p>
          ) : (
            <NoticeForm detail={data} busy={busy} act={act} />
          )}
          {data.notices.length === 0 ? (
            <p className="hint">{t('notice.none')}</p>
          ) : (
            <table>
              <caption>{t('notice.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('columns.reference')}</th>
                  <th scope="col">{t('columns.status')}</th>
                  <th scope="col">{t('columns.recipient')}</th>
                  <th scope="col">{t('columns.language')}</th>
                  <th scope="col">{t('columns.sent')}</th>
                  <th scope="col">{t('columns.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.notices.map((notice) => (
                  <tr key={notice.id}>
                    <td>
                      <code>{notice.reference}</code>
                    </td>
                    <td>{t(`noticeStatuses.${notice.status}`)}</td>
                    <td>{notice.recipient ?? '—'}</td>
                    <td>{t(`languages.${notice.language}`)}</td>
                    <td>{formatDateTime(notice.sentAt, lang)}</td>
                    <td>
                      {notice.channel === 'outbox' && (
                        <button type="button" className="small" disabled={busy} aria-label={t('notice.downloadLabel', { reference: notice.reference })} onClick={() => { saveNotice(notice); }}>
                          {t('notice.download')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h3>{t('checks.title')}</h3>
          <p className="toolbar">
            <button type="button" onClick={checkNow} disabled={busy || !isUrl}>
              {t('checks.now')} <kbd>c</kbd>
            </button>
            {data.item.removedAt === null && (
              <button type="button" onClick={confirmRemoved} disabled={busy || !isUrl}>
                {t('checks.confirmRemoved')}
              </button>
            )}
          </p>
          {data.item.removedAt === null && <p className="hint">{t('checks.confirmHint')}</p>}
          {data.checks.length === 0 ? (
            <p className="hint">{t('checks.none')}</p>
          ) : (
            <table>
              <caption>{t('checks.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('columns.when')}</th>
                  <th scope="col">{t('columns.outcome')}</th>
                  <th scope="col">{t('columns.httpStatus')}</th>
                  <th scope="col">{t('columns.by')}</th>
                </tr>
              </thead>
              <tbody>
                {data.checks.map((check, i) => (
                  <tr key={`${check.checkedAt}-${i}`}>
                    <td>{formatDateTime(check.checkedAt, lang)}</td>
                    <td>{t(`outcomes.${check.outcome}`)}</td>
                    <td>{check.httpStatus ?? '—'}</td>
                    <td>{t(check.manual ? 'checkKinds.manual' : 'checkKinds.scheduled')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h3>{t('removal.title')}</h3>
          {data.item.notifiedAt !== null && <p>{t('removal.notifiedAt', { date: formatDateTime(data.item.notifiedAt, lang) })}</p>}
          {data.item.removedAt === null ? (
            <p>{t('removal.notRemoved')}</p>
          ) : (
            <>
              <p>{t('removal.removedAt', { date: formatDateTime(data.item.removedAt, lang) })}</p>
              {data.item.notifiedAt !== null && <p className="time-to-removal">{t('removal.after', { duration: formatDuration(data.item.notifiedAt, data.item.removedAt, t) })}</p>}
            </>
          )}
        </>
      )}
    </>
  );
}

/** Language and recipient, the preview as it would go out, and sending. */
function NoticeForm({ detail, busy, act }: { detail: Detail; busy: boolean; act: (action: () => Promise<string>) => Promise<void> }) {
  const { t } = useTranslation('takedowns');
  const itemId = detail.item.id;
  const id = useId();
  const [language, setLanguage] = useState<Language>(detail.hostEntry?.language ?? 'en');
  const [recipient, setRecipient] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const body = useCallback((lang: Language, to: string) => ({ language: lang, ...(to.trim() === '' ? {} : { recipient: to.trim() }) }), []);
  const loadPreview = useCallback(
    (lang: Language, to: string) => {
      setPreviewError(null);
      call(client.POST('/api/console/items/{id}/notice-preview', { params: { path: { id: itemId } }, body: body(lang, to) })).then(setPreview, (error: unknown) => {
        setPreview(null);
        setPreviewError(error);
      });
    },
    [itemId, body],
  );
  // The preview shows at once for a first notice, then follows the language; a
  // typed recipient applies on "Preview". Once a notice went out, on request.
  const [wanted, setWanted] = useState(detail.notices.length === 0);
  useEffect(() => {
    if (wanted) loadPreview(language, recipient);
    // Not on `recipient`: it is applied on request, not at each keystroke.
  }, [language, loadPreview, wanted]);

  const send = () =>
    void act(async () => {
      const notice = await call(client.POST('/api/console/items/{id}/notices', { params: { path: { id: itemId } }, body: body(language, recipient) }));
      return notice.channel === 'email' ? t('notice.sentEmail', { reference: notice.reference, recipient: notice.recipient ?? '' }) : t('notice.sentOutbox', { reference: notice.reference });
    });
  useShortcuts({ s: busy ? undefined : send, v: () => { setWanted(true); loadPreview(language, recipient); } });
  const onPreview = (event: SyntheticEvent) => {
    event.preventDefault();
    setWanted(true);
    loadPreview(language, recipient);
  };
  const address = detail.hostEntry?.abuseEmail ?? null;
  return (
    <form className="notice-form" onSubmit={onPreview}>
      <div className="fields">
        <div className="field">
          <label htmlFor={`${id}-language`}>{t('notice.language')}</label>
          <select id={`${id}-language`} value={language} onChange={(event) => { setLanguage(event.target.value as Language); }}>
            <option value="fr">{t('languages.fr')}</option>
            <option value="en">{t('languages.en')}</option>
          </select>
        </div>
        <label className="field">
          {t('notice.recipient')}
          <input type="email" value={recipient} maxLength={254} aria-describedby={`${id}-hint`} onChange={(event) => { setRecipient(event.target.value); }} />
        </label>
      </div>
      <p id={`${id}-hint`} className="hint">
        {address ? t('notice.recipientFromDirectory', { email: address }) : t('notice.recipientNone')}
      </p>
      <p className="toolbar">
        <button type="submit" disabled={busy}>
          {t('notice.preview')} <kbd>v</kbd>
        </button>
        <button type="button" className="primary" disabled={busy} onClick={send}>
          {detail.notices.length > 0 ? t('notice.sendAnother') : t('notice.send')} <kbd>s</kbd>
        </button>
      </p>
      <ErrorText error={previewError} />
      {preview && (
        <div className="card notice-preview">
          <p className="notice-channel">
            {preview.channel === 'email' ? t('notice.willEmail', { recipient: preview.recipient ?? '' }) : t('notice.willOutbox')}
          </p>
          <p lang={language}>
            <strong>{t('notice.subject')}</strong> {preview.subject}
          </p>
          <pre className="notice-text" lang={language}>
            {preview.text}
          </pre>
        </div>
      )}
    </form>
  );
}

function CaseEscalations({ caseId, announce, onEscalated }: { caseId: string; announce: (m: string) => void; onEscalated: () => void }) {
  const { t } = useTranslation('takedowns');
  const [rows, setRows] = useState<Escalation[] | null>(null);
  const loaded = useLoad(() => call(client.GET('/api/console/cases/{caseId}/escalations', { params: { path: { caseId } } })), [caseId]);
  useEffect(() => {
    if (loaded.data) setRows(loaded.data.escalations);
  }, [loaded.data]);
  return (
    <section aria-labelledby="escalations-title">
      <h2 id="escalations-title">{t('escalation.caseTitle')}</h2>
      {loaded.error !== null && rows === null ? (
        <ErrorText error={loaded.error} onRetry={loaded.reload} />
      ) : rows === null ? (
        <Loading />
      ) : (
        <>
          <EscalationsTable
            escalations={rows}
            caption={t('escalation.caseCaption')}
            showCase={false}
            onChanged={(changed) => { setRows((previous) => (previous ?? []).map((row) => (row.id === changed.id ? changed : row))); }}
            announce={announce}
          />
          <EscalateForm
            caseId={caseId}
            onCreated={(created) => {
              setRows((previous) => [...(previous ?? []), created]);
              // The case's URLs are now `escalated`.
              onEscalated();
            }}
            announce={announce}
          />
        </>
      )}
    </section>
  );
}
