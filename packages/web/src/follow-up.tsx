// Follow-up: sign in with case number + secret (the session token lives in
// this page's memory only), see each item's status and history, add items,
// withdraw the case.

import { type SyntheticEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type CaseItemView, type CaseView, type PortalPublicConfig, api, fullCase } from './api.ts';
import { VerifyChoices, filesAllowed } from './choices.tsx';
import { isSettled, looksLikeUrl, submission, urlLines } from './files.ts';
import { ItemsEditor, useSelectedFiles } from './items-editor.tsx';
import { sendSubmission } from './send.ts';

function useDate() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long' });
  return (iso: string) => format.format(new Date(iso));
}

export function FollowUp({ config }: { config: PortalPublicConfig | null }) {
  const { t } = useTranslation();
  const [token, setToken] = useState<string | null>(null);
  const [view, setView] = useState<CaseView | null>(null);
  const [caseNumber, setCaseNumber] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = useRef<HTMLHeadingElement>(null);

  const shown = view?.caseNumber;
  useEffect(() => {
    if (shown !== undefined) title.current?.focus();
  }, [shown]);

  const signIn = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.signIn(caseNumber.trim(), secret.trim());
      setToken(session.token);
      setView(await fullCase(session.token));
      setSecret('');
    } catch (e) {
      setError(e instanceof ApiError && e.status === 429 ? t('followUp.throttled') : e instanceof ApiError && e.status === 401 ? t('followUp.wrong') : t('app.offline'));
    } finally {
      setBusy(false);
    }
  };

  const signOut = () => {
    if (token !== null) void api.signOut(token).catch(() => undefined);
    setToken(null);
    setView(null);
    setCaseNumber('');
  };

  if (token === null || view === null) {
    return (
      <>
        <h1 tabIndex={-1} className="page-title">
          {t('followUp.title')}
        </h1>
        <p>{t('followUp.intro')}</p>
        <form onSubmit={(e) => void signIn(e)} noValidate>
          <label htmlFor="case-number">{t('followUp.caseNumber')}</label>
          <input
            id="case-number"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            value={caseNumber}
            onChange={(e) => {
              setCaseNumber(e.target.value);
            }}
          />
          <label htmlFor="secret">{t('followUp.secret')}</label>
          <input
            id="secret"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={secret}
            onChange={(e) => {
              setSecret(e.target.value);
            }}
          />
          {error !== null && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t('followUp.signingIn') : t('followUp.signIn')}
            </button>
          </div>
        </form>
      </>
    );
  }

  return (
    <CaseDetails
      token={token}
      view={view}
      setView={setView}
      title={title}
      config={config}
      onSignOut={signOut}
    />
  );
}

function CaseDetails({
  token,
  view,
  setView,
  title,
  config,
  onSignOut,
}: {
  token: string;
  view: CaseView;
  setView: (view: CaseView) => void;
  title: React.RefObject<HTMLHeadingElement | null>;
  config: PortalPublicConfig | null;
  onSignOut: () => void;
}) {
  const { t } = useTranslation();
  const date = useDate();
  const [adding, setAdding] = useState(false);
  const [urls, setUrls] = useState('');
  const [files, setFiles, addFiles] = useSelectedFiles();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const withdrawn = view.status === 'withdrawn';
  const verifyAllowed = filesAllowed(view.ageGroup, config);

  const addItems = async () => {
    const lines = urlLines(urls);
    const bad = lines.find((line) => !looksLikeUrl(line));
    const problem =
      bad !== undefined
        ? t('steps.items.badUrl', { line: bad })
        : lines.length === 0 && files.length === 0
          ? t('steps.items.none')
          : !files.every(isSettled)
            ? t('steps.items.waitHashing')
            : null;
    if (problem !== null) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const payload = submission(lines, files, verifyAllowed);
      await sendSubmission(token, payload);
      setView(await fullCase(token));
      setMessage(t('followUp.added', { count: payload.items.length + payload.media.length }));
      for (const f of files) if (f.thumbUrl !== null) URL.revokeObjectURL(f.thumbUrl);
      setFiles([]);
      setUrls('');
      setAdding(false);
    } catch {
      setError(t('steps.review.failed'));
    } finally {
      setBusy(false);
    }
  };

  const withdraw = async () => {
    setBusy(true);
    try {
      await api.withdraw(token);
      dialog.current?.close();
      setMessage(t('followUp.withdrawn'));
      // The session ended with the withdrawal: show what the page already knows.
      setView({ ...view, status: 'withdrawn', withdrawnAt: new Date().toISOString(), items: view.items.map((i) => ({ ...i, status: 'withdrawn' as const })) });
    } catch {
      setError(t('steps.review.failed'));
      dialog.current?.close();
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 ref={title} tabIndex={-1} className="page-title">
        {t('followUp.caseTitle', { caseNumber: view.caseNumber })}
      </h1>
      <p>
        {t('followUp.opened', { date: date(view.createdAt) })}
        {view.withdrawnAt !== null && <> — {t('followUp.withdrawnOn', { date: date(view.withdrawnAt) })}</>}
      </p>
      {message !== null && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      <h2>{t('followUp.items', { count: view.items.length })}</h2>
      {view.items.length === 0 ? (
        <p>{t('followUp.noItems')}</p>
      ) : (
        <ol className="case-items">
          {view.items.map((item) => (
            <CaseItem key={item.id} item={item} />
          ))}
        </ol>
      )}
      {!withdrawn && (
        <>
          {adding ? (
            <section aria-labelledby="add-title" className="add-items">
              <h2 id="add-title">{t('followUp.add')}</h2>
              <ItemsEditor urls={urls} setUrls={setUrls} urlError={null} files={files} setFiles={setFiles} addFiles={addFiles} />
              <VerifyChoices files={files} setFiles={setFiles} allowed={verifyAllowed} />
              {error !== null && (
                <p className="error" role="alert">
                  {error}
                </p>
              )}
              <div className="actions">
                <button type="button" className="primary" disabled={busy} onClick={() => void addItems()}>
                  {t('followUp.addSend')}
                </button>
              </div>
            </section>
          ) : (
            <div className="actions">
              <button type="button" onClick={() => {
                setAdding(true);
                setMessage(null);
              }}>
                {t('followUp.add')}
              </button>
            </div>
          )}
          <div className="actions">
            <button type="button" className="danger" onClick={() => dialog.current?.showModal()}>
              {t('followUp.withdraw')}
            </button>
          </div>
        </>
      )}
      <div className="actions">
        <button type="button" onClick={onSignOut}>
          {t('followUp.signOut')}
        </button>
      </div>
      <dialog ref={dialog} aria-labelledby="withdraw-title" aria-describedby="withdraw-text">
        <h2 id="withdraw-title">{t('followUp.withdrawTitle')}</h2>
        <p id="withdraw-text">{t('followUp.withdrawText')}</p>
        <div className="actions">
          <button type="button" className="danger" disabled={busy} onClick={() => void withdraw()}>
            {t('followUp.withdrawConfirm')}
          </button>
          <button type="button" autoFocus onClick={() => dialog.current?.close()}>
            {t('followUp.withdrawCancel')}
          </button>
        </div>
      </dialog>
    </>
  );
}

function CaseItem({ item }: { item: CaseItemView }) {
  const { t } = useTranslation();
  const date = useDate();
  const label = item.kind === 'url' ? t('followUp.url') : item.kind === 'photo' ? t('followUp.photo') : t('followUp.video');
  return (
    <li className="case-item" data-status={item.status}>
      <p className="item-head">
        <strong>
          {item.position}. {label}
        </strong>
        {item.url !== null && <span className="item-url"> {item.url}</span>}
      </p>
      <p className="item-status">
        <span className={`badge status-${item.status}`}>{t(`followUp.status.${item.status}`)}</span>
      </p>
      {item.notifiedAt !== null && <p>{t('followUp.notifiedAt', { host: item.host ?? '', date: date(item.notifiedAt) })}</p>}
      {item.removedAt !== null && <p>{t('followUp.removedAt', { date: date(item.removedAt) })}</p>}
      {item.history.length > 0 && (
        <details>
          <summary>{t('followUp.history')}</summary>
          <ol className="history">
            {item.history.map((h, i) => (
              <li key={`${h.status}-${i}`}>
                <time dateTime={h.at}>{date(h.at)}</time> — {t(`followUp.status.${h.status}`)}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}
