// Escalations to the authorities: the cases about a minor nobody has escalated
// yet and the list across cases (/console/escalations), and, on a case's
// takedowns page, the form to escalate a case about a minor.
// Each escalation records our reference, the authority's when it gives one,
// and the digest of the package as sent (downloadable again, unchanged).

import { type SyntheticEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, client, download, filenameOf, saveBlob } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { navigate } from '../router.ts';
import { ErrorText, Loading, PageTitle, errorMessage, useLoad } from '../ui.tsx';
import { type Escalation, Live, caseTakedownsPath, shortId, useAnnounce } from './shared.tsx';

const AUTHORITIES = ['pharos', 'ncmec', 'police', 'other'] as const;
type Authority = (typeof AUTHORITIES)[number];
const PAGE = 50;

export function EscalationsPage() {
  const { t } = useTranslation('takedowns');
  const [message, announce] = useAnnounce();
  const [rows, setRows] = useState<Escalation[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const first = useLoad(() => call(client.GET('/api/console/escalations', { params: { query: { limit: PAGE } } })), []);
  const [more, setMore] = useState<unknown>(null);
  useEffect(() => {
    if (first.data) {
      setRows(first.data.escalations);
      setNext(first.data.nextAfter);
    }
  }, [first.data]);
  const loadMore = () => {
    if (next === null) return;
    call(client.GET('/api/console/escalations', { params: { query: { limit: PAGE, after: next } } })).then(
      (page) => {
        setRows((previous) => [...previous, ...page.escalations]);
        setNext(page.nextAfter);
      },
      setMore,
    );
  };
  const replace = (changed: Escalation) => {
    setRows((previous) => previous.map((row) => (row.id === changed.id ? changed : row)));
  };

  return (
    <>
      <PageTitle title={t('escalation.title')}>{t('escalation.title')}</PageTitle>
      <p className="hint">{t('escalation.intro')}</p>
      <Live message={message} />
      <AwaitingEscalation />
      <h2>{t('escalation.caption')}</h2>
      {first.error !== null && first.data === null ? (
        <ErrorText error={first.error} onRetry={first.reload} />
      ) : first.data === null ? (
        <Loading />
      ) : (
        <>
          <EscalationsTable escalations={rows} caption={t('escalation.caption')} showCase onChanged={replace} announce={announce} />
          <ErrorText error={more} />
          {next !== null && (
            <p>
              <button type="button" onClick={loadMore}>
                {t('common:actions.more')}
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}

const AWAITING_SHOWN = 50;

/** The worklist: cases about a minor with nothing sent to the authorities yet, the oldest first. */
function AwaitingEscalation() {
  const { t, i18n } = useTranslation('takedowns');
  const awaiting = useLoad(() => call(client.GET('/api/console/escalations/awaiting', { params: { query: { limit: AWAITING_SHOWN } } })), []);
  if (awaiting.data === null) return awaiting.error === null ? <Loading /> : <ErrorText error={awaiting.error} onRetry={awaiting.reload} />;
  const { cases, total } = awaiting.data;
  return (
    <section aria-labelledby="awaiting-title">
      <h2 id="awaiting-title">{t('escalation.awaitingTitle', { total })}</h2>
      {cases.length === 0 ? (
        <p>{t('escalation.awaitingNone')}</p>
      ) : (
        <>
          <p className="hint">{t('escalation.awaitingIntro')}</p>
          <table>
            <caption>{t('escalation.awaitingCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('escalation.awaitingColumns.case')}</th>
                <th scope="col">{t('escalation.awaitingColumns.reported')}</th>
                <th scope="col">{t('escalation.awaitingColumns.age')}</th>
                <th scope="col">{t('escalation.awaitingColumns.items')}</th>
                <th scope="col">{t('escalation.awaitingColumns.minorDecisions')}</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((row) => (
                <tr key={row.caseId}>
                  <td>
                    <a
                      href={caseTakedownsPath(row.caseId)}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate(caseTakedownsPath(row.caseId));
                      }}
                    >
                      {t('escalation.caseLink', { id: shortId(row.caseId) })}
                    </a>
                  </td>
                  <td>{formatDateTime(row.reportedAt, i18n.language)}</td>
                  <td>{t(`escalation.ages.${row.ageGroup}`)}</td>
                  <td>{row.items}</td>
                  <td>{row.minorDecisions}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {total > cases.length && <p className="hint">{t('escalation.awaitingMore', { count: cases.length })}</p>}
        </>
      )}
    </section>
  );
}

export function EscalationsTable({
  escalations,
  caption,
  showCase,
  onChanged,
  announce,
}: {
  escalations: readonly Escalation[];
  caption: string;
  showCase: boolean;
  onChanged: (escalation: Escalation) => void;
  announce: (message: string) => void;
}) {
  const { t, i18n } = useTranslation('takedowns');
  const [failed, setFailed] = useState<unknown>(null);
  if (escalations.length === 0) return <p>{t('escalation.none')}</p>;
  const savePackage = async (escalation: Escalation) => {
    setFailed(null);
    try {
      const { blob, headers } = await download('GET', `/api/console/escalations/${encodeURIComponent(escalation.id)}/package`);
      saveBlob(blob, filenameOf(headers, `${escalation.reference}.json`));
      announce(t('escalation.downloaded', { reference: escalation.reference, digest: headers.get('x-package-digest') ?? escalation.packageDigest }));
    } catch (error) {
      setFailed(error);
      announce(errorMessage(error, t));
    }
  };
  return (
    <>
      <ErrorText error={failed} />
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('escalation.columns.reference')}</th>
            {showCase && <th scope="col">{t('escalation.columns.case')}</th>}
            <th scope="col">{t('escalation.columns.authority')}</th>
            <th scope="col">{t('escalation.columns.authorityReference')}</th>
            <th scope="col">{t('escalation.columns.items')}</th>
            <th scope="col">{t('escalation.columns.created')}</th>
            <th scope="col">{t('escalation.columns.digest')}</th>
            <th scope="col">{t('escalation.columns.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {escalations.map((escalation) => (
            <tr key={escalation.id}>
              <td>
                <code>{escalation.reference}</code>
              </td>
              {showCase && (
                <td>
                  <a
                    href={caseTakedownsPath(escalation.caseId)}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(caseTakedownsPath(escalation.caseId));
                    }}
                  >
                    {t('escalation.caseLink', { id: shortId(escalation.caseId) })}
                  </a>
                </td>
              )}
              <td>{t(`escalation.authorities.${escalation.authority}`)}</td>
              <td>
                <AuthorityReference escalation={escalation} onChanged={onChanged} announce={announce} />
              </td>
              <td>{escalation.itemCount}</td>
              <td>{formatDateTime(escalation.createdAt, i18n.language)}</td>
              <td className="digest">
                <code>{escalation.packageDigest}</code>
              </td>
              <td>
                <button type="button" className="small" aria-label={t('escalation.downloadLabel', { reference: escalation.reference })} onClick={() => void savePackage(escalation)}>
                  {t('escalation.download')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The authority's reference: shown when known, recorded (or corrected) in place. */
function AuthorityReference({ escalation, onChanged, announce }: { escalation: Escalation; onChanged: (e: Escalation) => void; announce: (m: string) => void }) {
  const { t } = useTranslation('takedowns');
  const [editing, setEditing] = useState(escalation.authorityReference === null);
  const [value, setValue] = useState(escalation.authorityReference ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const label = t('escalation.recordLabel', { authority: t(`escalation.authorities.${escalation.authority}`), reference: escalation.reference });
  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (value.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      const changed = await call(client.PATCH('/api/console/escalations/{id}', { params: { path: { id: escalation.id } }, body: { authorityReference: value.trim() } }));
      onChanged(changed);
      setEditing(false);
      announce(t('escalation.recorded', { reference: escalation.reference }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (!editing && escalation.authorityReference !== null) {
    return (
      <>
        <code>{escalation.authorityReference}</code>{' '}
        <button type="button" className="small" aria-label={t('escalation.changeLabel', { reference: escalation.reference })} onClick={() => { setEditing(true); }}>
          {t('escalation.change')}
        </button>
      </>
    );
  }
  return (
    <form className="inline" onSubmit={(event) => void submit(event)}>
      <input aria-label={label} value={value} maxLength={100} onChange={(event) => { setValue(event.target.value); }} />
      <button type="submit" className="small" disabled={busy}>
        {t('escalation.record')}
      </button>
      <ErrorText error={error} />
    </form>
  );
}

/** Escalating a case about a minor: the authority, and its reference when it gave one at once. */
export function EscalateForm({ caseId, onCreated, announce }: { caseId: string; onCreated: (escalation: Escalation) => void; announce: (m: string) => void }) {
  const { t } = useTranslation('takedowns');
  const id = useId();
  const [authority, setAuthority] = useState<Authority>('pharos');
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await call(
        client.POST('/api/console/cases/{caseId}/escalations', {
          params: { path: { caseId } },
          body: { authority, ...(reference.trim() === '' ? {} : { authorityReference: reference.trim() }) },
        }),
      );
      setReference('');
      onCreated(created.escalation);
      announce(t('escalation.created', { reference: created.escalation.reference, digest: created.escalation.packageDigest }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form card" onSubmit={(event) => void submit(event)} aria-labelledby="escalate-title">
      <h3 id="escalate-title">{t('escalation.formTitle')}</h3>
      <p className="hint">{t('escalation.formIntro')}</p>
      <div className="field">
        <label htmlFor={`${id}-authority`}>{t('escalation.authority')}</label>
        <select id={`${id}-authority`} value={authority} onChange={(event) => { setAuthority(event.target.value as Authority); }}>
          {AUTHORITIES.map((name) => (
            <option key={name} value={name}>
              {t(`escalation.authorities.${name}`)}
            </option>
          ))}
        </select>
      </div>
      <label>
        {t('escalation.authorityReference')}
        <input value={reference} maxLength={100} onChange={(event) => { setReference(event.target.value); }} />
      </label>
      <ErrorText error={error} />
      <p>
        <button type="submit" className="primary" disabled={busy}>
          {t('escalation.submit')}
        </button>
      </p>
    </form>
  );
}
