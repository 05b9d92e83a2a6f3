// The report, step by step. Each step is a form: Enter or "Continue" goes on,
// the step's title takes the focus so a screen reader reads where it is.

import { type SyntheticEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type OpenCaseRequest, type PortalPublicConfig, api } from './api.ts';
import { RadioGroup, VerifyChoices, filesAllowed } from './choices.tsx';
import { Credentials } from './credentials.tsx';
import { isSettled, looksLikeUrl, submission, urlLines } from './files.ts';
import { Helplines } from './helplines.tsx';
import { ItemsEditor, useSelectedFiles } from './items-editor.tsx';
import type { Page } from './app.tsx';
import { type Rejections, sendSubmission } from './send.ts';

type Situation = OpenCaseRequest['situation'];
type AgeGroup = OpenCaseRequest['ageGroup'];
type AiGenerated = OpenCaseRequest['aiGenerated'];

const TOTAL_STEPS = 7;

export function Report({ config, go }: { config: PortalPublicConfig | null; go: (page: Page) => void }) {
  const { t, i18n } = useTranslation();
  const [step, setStep] = useState(1);
  const [situation, setSituation] = useState<Situation | null>(null);
  const [age, setAge] = useState<AgeGroup | null>(null);
  const [ai, setAi] = useState<AiGenerated | null>(null);
  const [description, setDescription] = useState('');
  const [urls, setUrls] = useState('');
  const [files, setFiles, addFiles] = useSelectedFiles();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState<{ caseNumber: string; secret: string; rejected: Rejections } | null>(null);
  // One key per report: a retried send can never open a second case.
  const idempotencyKey = useRef(crypto.randomUUID());
  const title = useRef<HTMLHeadingElement>(null);
  const mounted = useRef(false);

  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    title.current?.focus();
  }, [step, done]);

  const verifyAllowed = filesAllowed(age, config);
  const lines = urlLines(urls);
  const badLine = lines.find((line) => !looksLikeUrl(line));

  const validate = (): string | null => {
    switch (step) {
      case 1:
        return situation === null ? t('steps.required') : null;
      case 2:
        return age === null ? t('steps.required') : null;
      case 3:
        return ai === null ? t('steps.required') : null;
      case 4:
        if (badLine !== undefined) return t('steps.items.badUrl', { line: badLine });
        if (lines.length === 0 && files.length === 0) return t('steps.items.none');
        if (!files.every(isSettled)) return t('steps.items.waitHashing');
        return null;
      case 6:
        return email.trim() !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) ? t('steps.contact.badEmail') : null;
      default:
        return null;
    }
  };

  const send = async () => {
    if (situation === null || age === null || ai === null) return;
    setSending(true);
    setError(null);
    try {
      const opened = await api.openCase(
        {
          situation,
          ageGroup: age,
          aiGenerated: ai,
          language: i18n.language === 'fr' ? 'fr' : 'en',
          ...(description.trim() === '' ? {} : { description: description.trim() }),
          ...(email.trim() === '' ? {} : { contact: { email: email.trim() } }),
        },
        idempotencyKey.current,
      );
      const rejected = await sendSubmission(opened.token, submission(lines, files, verifyAllowed));
      setDone({ caseNumber: opened.caseNumber, secret: opened.secret, rejected });
      // The files are no longer needed: drop them (and their previews) from memory.
      for (const f of files) if (f.thumbUrl !== null) URL.revokeObjectURL(f.thumbUrl);
      setFiles([]);
    } catch {
      setError(t('steps.review.failed'));
    } finally {
      setSending(false);
    }
  };

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    const problem = validate();
    setError(problem);
    if (problem !== null) return;
    if (step < TOTAL_STEPS) setStep(step + 1);
    else void send();
  };

  if (done !== null) {
    const reasons = Object.entries(done.rejected).map(([reason, count]) => `${t(`rejection.${reason}`)} (${count ?? 0})`);
    const rejectedCount = Object.values(done.rejected).reduce((a: number, b) => a + (b ?? 0), 0);
    return (
      <>
        <h1 ref={title} tabIndex={-1} className="page-title">
          {t('steps.done.title')}
        </h1>
        <Credentials caseNumber={done.caseNumber} secret={done.secret} />
        {rejectedCount > 0 && <p className="notice">{t('steps.done.rejected', { count: rejectedCount, reasons: reasons.join(', ') })}</p>}
        <div className="actions no-print">
          <button type="button" onClick={() => {
            go('follow-up');
          }}>
            {t('steps.done.followUp')}
          </button>
        </div>
      </>
    );
  }

  const sentFiles = files.filter((f) => verifyAllowed && f.verify);
  const hashedFiles = files.filter((f) => !(verifyAllowed && f.verify) && f.progress.state === 'done');

  return (
    <>
      <p className="step-count">{t('steps.progress', { step, total: TOTAL_STEPS })}</p>
      <form onSubmit={onSubmit} noValidate aria-labelledby="step-title">
        {step === 1 && (
          <>
            <h1 id="step-title" ref={title} tabIndex={-1} className="page-title">
              {t('steps.situation.title')}
            </h1>
            <RadioGroup
              legend={t('steps.situation.title')}
              name="situation"
              value={situation}
              onChange={setSituation}
              error={error}
              options={[
                { value: 'online', label: t('steps.situation.online') },
                { value: 'at_risk', label: t('steps.situation.atRisk') },
              ]}
            />
          </>
        )}
        {step === 2 && (
          <>
            <h1 id="step-title" ref={title} tabIndex={-1} className="page-title">
              {t('steps.age.title')}
            </h1>
            <RadioGroup
              legend={t('steps.age.title')}
              name="age"
              value={age}
              onChange={setAge}
              error={error}
              options={[
                { value: 'minor', label: t('steps.age.minor') },
                { value: 'adult', label: t('steps.age.adult') },
                { value: 'unsure', label: t('steps.age.unsure') },
              ]}
            />
            {(age === 'minor' || age === 'unsure') && (
              <section className="notice minor-notice" aria-labelledby="minor-title" aria-live="polite">
                <h2 id="minor-title">{t(age === 'minor' ? 'steps.age.minorTitle' : 'steps.age.unsureTitle')}</h2>
                <p>{t(age === 'minor' ? 'steps.age.minorText1' : 'steps.age.unsureText1')}</p>
                <p>{t('steps.age.minorText2')}</p>
                <p>{t('steps.age.minorText3')}</p>
                <Helplines config={config} minorsOnly headingLevel={3} />
              </section>
            )}
          </>
        )}
        {step === 3 && (
          <>
            <h1 id="step-title" ref={title} tabIndex={-1} className="page-title">
              {t('steps.ai.title')}
            </h1>
            <RadioGroup
              legend={t('steps.ai.title')}
              name="ai"
              value={ai}
              onChange={setAi}
              error={error}
              options={[
                { value: 'yes', label: t('steps.ai.yes') },
                { value: 'no', label: t('steps.ai.no') },
                { value: 'unsure', label: t('steps.ai.unsure') },
              ]}
            />
            <label htmlFor="description">{t('steps.ai.description')}</label>
            <p className="hint" id="description-hint">
              {t('steps.ai.descriptionHint')}
            </p>
            <textarea
              id="description"
              rows={4}
              maxLength={2000}
              value={description}
              aria-describedby="description-hint"
              onChange={(e) => {
                setDescription(e.target.value);
              }}
            />
          </>
        )}
        {step === 4 && (
          <>
            <h1 id="step-title" ref={title} tabIndex={-1} className="page-title">
              {t('steps.items.title')}
            </h1>
            <p>{t('steps.items.intro')}</p>
            <ItemsEditor urls={urls} setUrls={setUrls} urlError={null} files={files} setFiles={setFiles} addFiles={addFiles} />
            {error !== null && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
          </>
        )}
        {step === 5 && (
          <>
            <h1 id="step-title" ref={title} tabIndex={-1} className="page-title">
              {t('steps.privacy.title')}
            </h1>
            <p className="promise">{t('steps.privacy.private')}</p>
            <VerifyChoices files={files} setFiles={setFiles} allowed={verifyAllowed} />
          </>
        )}
        {step === 6 && (
          <>
            <h1 id="step-title" ref={title} tabIndex={-1} className="page-title">
              {t('steps.contact.title')}
            </h1>
            <p id="contact-intro">{t('steps.contact.intro')}</p>
            <label htmlFor="email">{t('steps.contact.email')}</label>
            <input
              id="email"
              type="email"
              autoComplete="off"
              value={email}
              aria-describedby="contact-intro"
              aria-invalid={error !== null}
              onChange={(e) => {
                setEmail(e.target.value);
              }}
            />
            {error !== null && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
          </>
        )}
        {step === 7 && (
          <>
            <h1 id="step-title" ref={title} tabIndex={-1} className="page-title">
              {t('steps.review.title')}
            </h1>
            <dl className="review">
              <div>
                <dt>{t('steps.review.situation')}</dt>
                <dd>{situation === null ? '' : t(`answers.${situation}`)}</dd>
              </div>
              <div>
                <dt>{t('steps.review.age')}</dt>
                <dd>{age === null ? '' : t(`answers.${age}`)}</dd>
              </div>
              <div>
                <dt>{t('steps.review.ai')}</dt>
                <dd>{ai === null ? '' : t(`answers.${ai}`)}</dd>
              </div>
              <div>
                <dt>{t('steps.review.description')}</dt>
                <dd>{description.trim() === '' ? t('steps.review.none') : description}</dd>
              </div>
              <div>
                <dt>{t('steps.review.urls')}</dt>
                <dd>{lines.length === 0 ? t('steps.review.none') : <ul>{lines.map((line) => <li key={line}>{line}</li>)}</ul>}</dd>
              </div>
              <div>
                <dt>{t('steps.review.files')}</dt>
                <dd data-testid="hashed-count">{hashedFiles.length}</dd>
              </div>
              <div>
                <dt>{t('steps.review.verify')}</dt>
                <dd>{sentFiles.length}</dd>
              </div>
              <div>
                <dt>{t('steps.review.contact')}</dt>
                <dd>{email.trim() === '' ? t('steps.review.none') : email.trim()}</dd>
              </div>
            </dl>
            {error !== null && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
          </>
        )}
        <div className="actions">
          {step > 1 && (
            <button type="button" onClick={() => {
              setError(null);
              setStep(step - 1);
            }}>
              {t('steps.back')}
            </button>
          )}
          <button type="submit" className="primary" disabled={sending}>
            {step < TOTAL_STEPS ? t('steps.next') : sending ? t('steps.review.sending') : t('steps.review.send')}
          </button>
        </div>
      </form>
    </>
  );
}
