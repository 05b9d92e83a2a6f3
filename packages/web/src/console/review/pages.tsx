// Reviewing one item: what the victim said, the item (a URL as text, or media
// behind a safe preview), its hashes in the bank, what happened so far, and
// the decision — by button or key — after which the next item opens at once.
// Only the analyst holding the item decides it; others read. A supervisor
// may reverse a decision. Breaks are suggested after a number of reveals or
// minutes of continuous review.

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, ApiError, call, client } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { type ConsolePage, REVIEWERS } from '../page.ts';
import { claimNext, goToQueue } from '../queue/claim.ts';
import { useSession } from '../session.tsx';
import { ErrorText, Loading, PageTitle, errorMessage, useLoad, useShortcuts } from '../ui.tsx';
import { type BreakDue, breakDue, breakSettings, noteReviewing, restartStretch, settingsRevealsToday } from './break.ts';
import { BreakDialog } from './break-dialog.tsx';
import { CaseItems } from './case-items.tsx';
import { MediaPanel, useReveal } from './media.tsx';
import { RevealCounter, revealsToday, setRevealsToday } from './reveals.tsx';
import './review.css';

type Detail = Answer<'/api/console/items/{id}', 'get'>;
type Decision = NonNullable<Detail['item']['decision']>;

export const DECISIONS: readonly Decision[] = ['ncii_adult', 'ncii_minor', 'not_intimate', 'not_actionable', 'duplicate'];
/** The server's NOT_ACTIONABLE_REASONS, in the order the picker shows them. */
export const NOT_ACTIONABLE_REASONS = ['content_not_found', 'not_the_reporter', 'insufficient_information', 'out_of_scope'] as const;
type Reason = (typeof NOT_ACTIONABLE_REASONS)[number];

/** How often the minutes of review are looked at while the page is open. */
const BREAK_CHECK_MS = 30_000;

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function ReportContext({ detail }: { detail: Detail }) {
  const { t, i18n } = useTranslation('review');
  const c = detail.case;
  return (
    <section aria-labelledby="report-title" className="card">
      <h2 id="report-title">{t('report.title')}</h2>
      <dl className="facts">
        <Field label={t('report.ageGroup')}>{c.ageGroup === 'minor' ? <span className="badge minor">{t('report.ageGroups.minor')}</span> : t(`report.ageGroups.${c.ageGroup}`)}</Field>
        <Field label={t('report.situation')}>{t(`report.situations.${c.situation}`)}</Field>
        <Field label={t('report.aiGenerated')}>{t(`report.ai.${c.aiGenerated}`)}</Field>
        <Field label={t('report.language')}>{t(`report.languages.${c.language}`)}</Field>
        <Field label={t('report.reported')}>{formatDateTime(c.createdAt, i18n.language)}</Field>
      </dl>
      <h3>{t('report.description')}</h3>
      {c.description === null ? <p className="hint">{t('report.noDescription')}</p> : <blockquote className="description">{c.description}</blockquote>}
      {c.status === 'withdrawn' && <p className="notice">{t('claim.withdrawn')}</p>}
    </section>
  );
}

function UrlPanel({ detail }: { detail: Detail }) {
  const { t } = useTranslation('review');
  const [copy, setCopy] = useState<'copied' | 'copyFailed' | null>(null);
  const url = detail.item.url ?? '';
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      setCopy('copyFailed');
    }
  };
  return (
    <div className="url">
      <p className="url-text">
        <code>{url}</code>
      </p>
      <p className="hint">{t('url.asText')}</p>
      <dl className="facts">
        <Field label={t('url.host')}>
          <code>{detail.item.host ?? '—'}</code>
        </Field>
      </dl>
      <p className="hint">{detail.hostEntry ? t('url.hostEntry', { name: detail.hostEntry.name }) : t('url.noHostEntry')}</p>
      <div className="toolbar">
        <button type="button" onClick={() => void onCopy()}>
          {t('url.copy')}
        </button>
        <span role="status" aria-live="polite">
          {copy && t(`url.${copy}`)}
        </span>
      </div>
    </div>
  );
}

function BankPanel({ detail }: { detail: Detail }) {
  const { t } = useTranslation('review');
  const matches = detail.matches;
  const status = (value: string) => (['active', 'withdrawn', 'deleted', 'quarantined'].includes(value) ? t(`bank.statuses.${value as 'active'}`) : value);
  return (
    <section aria-labelledby="bank-title" className="card">
      <h2 id="bank-title">{t('bank.title')}</h2>
      {detail.bank.length === 0 ? (
        <p className="hint">{t('bank.none')}</p>
      ) : (
        <table>
          <caption>{t('bank.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('bank.signalType')}</th>
              <th scope="col">{t('bank.verified')}</th>
              <th scope="col">{t('bank.status')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.bank.map((entry, i) => (
              <tr key={i}>
                <td>{entry.signalType.toUpperCase()}</td>
                <td>{entry.verified ? t('bank.yes') : t('bank.no')}</td>
                <td>{status(entry.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(
        <>
          <h3>{t('matches.title')}</h3>
          {matches.length === 0 ? (
            <p className="hint">{t('matches.none')}</p>
          ) : (
            <table>
              <caption>{t('matches.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('matches.signalType')}</th>
                  <th scope="col">{t('matches.distance')}</th>
                  <th scope="col">{t('matches.verified')}</th>
                  <th scope="col">{t('matches.status')}</th>
                  <th scope="col">{t('matches.sameCase')}</th>
                  <th scope="col">{t('matches.decision')}</th>
                </tr>
              </thead>
              <tbody>
                {matches.map((match, i) => (
                  <tr key={i}>
                    <td>{match.signalType.toUpperCase()}</td>
                    <td>
                      {match.frames !== null
                        ? t('matches.frames', match.frames)
                        : match.distance === 0
                          ? t('matches.exact')
                          : t('matches.bits', { count: match.distance ?? 0 })}
                    </td>
                    <td>{match.verified ? t('bank.yes') : t('bank.no')}</td>
                    <td>{status(match.status)}</td>
                    <td>{match.sameCase ? t('bank.yes') : t('bank.no')}</td>
                    <td>{match.decision === null ? '—' : t(`decisions.${match.decision as 'ncii_adult'}`, { defaultValue: match.decision })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function TakedownPanel({ detail }: { detail: Detail }) {
  const { t, i18n } = useTranslation('review');
  const date = (iso: string | null) => formatDateTime(iso, i18n.language);
  return (
    <section aria-labelledby="takedown-title" className="card">
      <h2 id="takedown-title">{t('takedown.title')}</h2>
      {detail.item.kind === 'url' && (
        <>
          <h3>{t('takedown.notices')}</h3>
          {detail.notices.length === 0 ? (
            <p className="hint">{t('takedown.noNotices')}</p>
          ) : (
            <ul>
              {detail.notices.map((n) => (
                <li key={n.id}>{t('takedown.notice', { reference: n.reference, status: t(`takedown.noticeStatuses.${n.status}`), date: date(n.sentAt ?? n.createdAt) })}</li>
              ))}
            </ul>
          )}
          <h3>{t('takedown.checks')}</h3>
          {detail.checks.length === 0 ? (
            <p className="hint">{t('takedown.noChecks')}</p>
          ) : (
            <ul>
              {detail.checks.map((c) => (
                <li key={c.checkedAt}>{t('takedown.check', { date: date(c.checkedAt), outcome: t(`takedown.outcomes.${c.outcome}`) })}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <h3>{t('takedown.escalations')}</h3>
      {detail.escalations.length === 0 ? (
        <p className="hint">{t('takedown.noEscalations')}</p>
      ) : (
        <ul>
          {detail.escalations.map((e) => (
            <li key={e.id}>{t('takedown.escalation', { reference: e.reference, authority: t(`takedown.authorities.${e.authority}`), date: date(e.createdAt) })}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

const KEYS: Record<Decision, string> = { ncii_adult: '1', ncii_minor: '2', not_intimate: '3', not_actionable: '4', duplicate: '5' };

function ReasonPicker({ onPick, onCancel, busy }: { onPick: (reason: Reason) => void; onCancel: () => void; busy: boolean }) {
  const { t } = useTranslation('review');
  const [reason, setReason] = useState<Reason>(NOT_ACTIONABLE_REASONS[0]);
  const first = useCallback((element: HTMLInputElement | null) => element?.focus(), []);
  return (
    <form
      className="reasons"
      onSubmit={(event) => {
        event.preventDefault();
        onPick(reason);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onCancel();
        }
      }}
    >
      <fieldset>
        <legend>{t('decide.reasonTitle')}</legend>
        {NOT_ACTIONABLE_REASONS.map((r, i) => (
          <label key={r} className="choice">
            <input
              ref={i === 0 ? first : undefined}
              type="radio"
              name="reason"
              value={r}
              checked={reason === r}
              onChange={() => {
                setReason(r);
              }}
            />
            {t(`reasons.${r}`)}
          </label>
        ))}
      </fieldset>
      <div className="toolbar">
        <button type="submit" className="primary" disabled={busy}>
          {t('decide.confirmReason')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('decide.cancelReason')}
        </button>
      </div>
    </form>
  );
}

function ReversePanel({ detail, onReversed }: { detail: Detail; onReversed: () => void }) {
  const { t } = useTranslation('review');
  const current = detail.item.decision;
  const [decision, setDecision] = useState<Decision>(DECISIONS.find((d) => d !== current) ?? 'not_intimate');
  const [reason, setReason] = useState<Reason>(NOT_ACTIONABLE_REASONS[0]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await call(
        client.POST('/api/console/items/{id}/reverse', {
          params: { path: { id: detail.item.id } },
          body: { decision, ...(decision === 'not_actionable' ? { reason } : {}) },
        }),
      );
      onReversed();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="form reverse"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 id="reverse-title">{t('decide.reverseTitle')}</h2>
      <p className="hint">{t('decide.reverseHint')}</p>
      <label>
        {t('decide.reverseTo')}
        <select
          value={decision}
          onChange={(event) => {
            setDecision(event.target.value as Decision);
          }}
        >
          {DECISIONS.filter((d) => d !== current).map((d) => (
            <option key={d} value={d}>
              {t(`decisions.${d}`)}
            </option>
          ))}
        </select>
      </label>
      {decision === 'not_actionable' && (
        <label>
          {t('decide.reverseReason')}
          <select
            value={reason}
            onChange={(event) => {
              setReason(event.target.value as Reason);
            }}
          >
            {NOT_ACTIONABLE_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`reasons.${r}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <ErrorText error={error} />
      <div>
        <button type="submit" className="danger" disabled={busy}>
          {t('decide.reverse')}
        </button>
      </div>
    </form>
  );
}

/** The keys of the page, for the analyst holding the item (the others have none). */
function Shortcuts({ media }: { media: boolean }) {
  const { t } = useTranslation('review');
  const keys: [string, string][] = [
    ...DECISIONS.map((d): [string, string] => [KEYS[d], `${t('shortcuts.decide')}: ${t(`decisions.${d}`)}`]),
    ['a', t('shortcuts.ai')],
    ...(media ? [['v', t('shortcuts.reveal')] as [string, string]] : []),
    ['Esc', t('shortcuts.release')],
  ];
  return (
    <section aria-labelledby="shortcuts-title" className="card shortcuts">
      <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
      <dl>
        {keys.map(([key, text]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Review({ detail, reload }: { detail: Detail; reload: () => void }) {
  const { t, i18n } = useTranslation('review');
  const { me } = useSession();
  const { item } = detail;
  const mine = item.decision === null && item.claimedBy === me.user.id;
  const media = item.kind !== 'url' && item.media === 'available';
  const settings = breakSettings(me);
  const [aiGenerated, setAiGenerated] = useState(false);
  const [picking, setPicking] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [reversed, setReversed] = useState(false);
  const [due, setDue] = useState<BreakDue>(null);

  const checkBreak = useCallback(
    (today: number | null) => {
      const now = Date.now();
      noteReviewing(now, today);
      setDue((open) => open ?? breakDue(settings, today, now));
    },
    [settings.afterMinutes, settings.afterReveals],
  );
  const reveal = useReveal(item.id, checkBreak);

  useEffect(() => {
    if (revealsToday() === null) setRevealsToday(settingsRevealsToday(me));
    checkBreak(revealsToday());
    const timer = window.setInterval(() => {
      checkBreak(revealsToday());
    }, BREAK_CHECK_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, [checkBreak]);

  const decide = async (decision: Decision, reason?: Reason) => {
    if (!mine || saving) return;
    setSaving(true);
    setError(null);
    try {
      await call(
        client.POST('/api/console/items/{id}/decision', {
          params: { path: { id: item.id } },
          body: { decision, aiGenerated, ...(reason ? { reason } : {}) },
        }),
      );
      reveal.hide();
      await claimNext('queueDone');
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  };
  const choose = (decision: Decision) => {
    if (decision === 'not_actionable') setPicking(true);
    else void decide(decision);
  };
  const release = async () => {
    if (!mine || saving) return;
    setSaving(true);
    try {
      await call(client.POST('/api/console/items/{id}/release', { params: { path: { id: item.id } } }));
      reveal.hide();
      goToQueue('released');
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  };
  const takeBreak = async () => {
    reveal.hide();
    if (mine) {
      try {
        await call(client.POST('/api/console/items/{id}/release', { params: { path: { id: item.id } } }));
      } catch {
        // The claim lapses by itself; the break matters more than the error.
      }
    }
    restartStretch(Date.now(), revealsToday());
    goToQueue('onBreak');
  };
  const carryOn = () => {
    restartStretch(Date.now(), revealsToday());
    setDue(null);
  };

  useShortcuts({
    ...Object.fromEntries(
      DECISIONS.map((d) => [
        KEYS[d],
        mine && !picking
          ? () => {
              choose(d);
            }
          : undefined,
      ]),
    ),
    a: mine
      ? () => {
          setAiGenerated((value) => !value);
        }
      : undefined,
    v: media && mine ? reveal.toggle : undefined,
    Escape: mine
      ? () => {
          if (picking) setPicking(false);
          else void release();
        }
      : undefined,
  });

  const kindLabel = t(`kind.${item.kind}`);
  return (
    <>
      <PageTitle title={t('title')}>{t('heading', { kind: kindLabel, position: item.position, count: detail.case.itemCount })}</PageTitle>
      <div className="toolbar">
        {detail.case.ageGroup === 'minor' && <span className="badge minor">{t('report.ageGroups.minor')}</span>}
        <button
          type="button"
          className="small"
          onClick={() => {
            goToQueue(null);
          }}
        >
          {t('back')}
        </button>
        <RevealCounter />
      </div>
      <p className="notice">
        {item.decision !== null
          ? t('claim.decided', { date: formatDateTime(item.decidedAt, i18n.language), decision: t(`decisions.${item.decision}`) })
          : item.claimedBy === null
            ? t('claim.free')
            : t(mine ? (item.claimExpiresAt !== null && Date.parse(item.claimExpiresAt) < Date.now() ? 'claim.mineLapsed' : 'claim.mine') : 'claim.other', {
                time: formatDateTime(item.claimExpiresAt, i18n.language),
              })}
      </p>
      <div className="review-grid">
        <div className="review-main">
          <section aria-labelledby="item-title" className="card">
            <h2 id="item-title">{item.kind === 'url' ? t('url.title') : t('media.title')}</h2>
            {item.kind === 'url' ? <UrlPanel detail={detail} /> : <MediaPanel
                itemId={item.id}
                kind={item.kind}
                media={item.media}
                canReveal={mine}
                reveal={reveal}
              />}
          </section>
          {mine && (
            <section aria-labelledby="decide-title" className="card decide">
              <h2 id="decide-title">{t('decide.title')}</h2>
              <label className="choice">
                <input
                  type="checkbox"
                  checked={aiGenerated}
                  aria-keyshortcuts="a"
                  onChange={(event) => {
                    setAiGenerated(event.target.checked);
                  }}
                />
                {t('decide.aiGenerated')} <kbd>a</kbd>
              </label>
              {picking ? (
                <ReasonPicker
                  busy={saving}
                  onPick={(reason) => void decide('not_actionable', reason)}
                  onCancel={() => {
                    setPicking(false);
                  }}
                />
              ) : (
                <div className="decisions">
                  {DECISIONS.map((d) => (
                    <button
                      key={d}
                      type="button"
                      onClick={() => {
                        choose(d);
                      }}
                      disabled={saving}
                      aria-keyshortcuts={KEYS[d]}
                    >
                      <kbd>{KEYS[d]}</kbd> {t(`decisions.${d}`)}
                    </button>
                  ))}
                </div>
              )}
              <div className="toolbar">
                <button type="button" className="small" onClick={() => void release()} disabled={saving} aria-keyshortcuts="Escape">
                  {t('decide.release')} <kbd>Esc</kbd>
                </button>
                <span role="status" aria-live="polite">
                  {saving ? t('decide.saving') : ''}
                </span>
              </div>
              {error !== null && (
                <p role="alert" className="error">
                  {errorMessage(error, t)}
                </p>
              )}
            </section>
          )}
          {me.user.role === 'supervisor' && item.decision !== null && (
            <section aria-labelledby="reverse-title" className="card">
              <div role="status" aria-live="polite">
                {reversed && <p className="success">{t('decide.reversed')}</p>}
              </div>
              <ReversePanel
                key={item.decision}
                detail={detail}
                onReversed={() => {
                  setReversed(true);
                  reload();
                }}
              />
            </section>
          )}
          {mine && <Shortcuts media={media} />}
        </div>
        <div className="review-side">
          <ReportContext detail={detail} />
          <BankPanel detail={detail} />
          <TakedownPanel detail={detail} />
        </div>
      </div>
      <CaseItems caseId={detail.case.id} currentId={item.id} count={detail.case.itemCount} />
      {due !== null && <BreakDialog due={due} onTake={() => void takeBreak()} onContinue={carryOn} />}
    </>
  );
}

function ReviewPage({ id }: { id: string }) {
  const { t } = useTranslation('review');
  const detail = useLoad(() => call(client.GET('/api/console/items/{id}', { params: { path: { id } } })), [id]);
  if (detail.data !== null) return <Review detail={detail.data} reload={detail.reload} />;
  if (detail.error instanceof ApiError && (detail.error.status === 404 || detail.error.status === 400))
    return <PageTitle title={t('notFound')}>{t('notFound')}</PageTitle>;
  return (
    <>
      <PageTitle title={t('title')}>{t('title')}</PageTitle>
      {detail.loading ? <Loading /> : <ErrorText error={detail.error} onRetry={detail.reload} />}
    </>
  );
}

export const reviewPages: readonly ConsolePage[] = [{ pattern: '/console/items/:id', roles: REVIEWERS, render: (params) => <ReviewPage key={params.id} id={params.id ?? ''} /> }];
