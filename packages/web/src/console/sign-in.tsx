// Sign-in: email, password and the authenticator's code. Shown in place of
// any page when there is no session, so signing in again after a session
// ended returns to the same page.

import { type SyntheticEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, call, client } from './api.ts';
import { PageTitle, errorMessage } from './ui.tsx';

export function SignIn({ notice, onSignedIn, initialEmail = '' }: { notice: 'expired' | 'signed-out' | 'enrolled' | null; onSignedIn: (csrfToken: string) => void; initialEmail?: string }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await call(client.POST('/api/console/login', { body: { email, password, code: code.replace(/\s/g, '') } }));
      onSignedIn(answer.csrfToken);
    } catch (caught) {
      setPassword('');
      setCode('');
      if (caught instanceof ApiError && caught.status === 401) setError(t('signIn.wrong'));
      else if (caught instanceof ApiError && caught.status === 429) setError(t('signIn.throttled', { minutes: Math.ceil((caught.retryAfterSeconds ?? 60) / 60) }));
      else setError(errorMessage(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <PageTitle title={t('signIn.title')}>{t('signIn.title')}</PageTitle>
      {notice && (
        <p role="status" className="notice">
          {notice === 'expired' ? t('signIn.expired') : notice === 'enrolled' ? t('enrol.done') : t('signIn.signedOut')}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} className="form" aria-describedby={error ? 'sign-in-error' : undefined}>
        <label>
          {t('signIn.email')}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => {
            setEmail(e.target.value);
          }} />
        </label>
        <label>
          {t('signIn.password')}
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => {
            setPassword(e.target.value);
          }} />
        </label>
        <label>
          {t('signIn.code')}
          <input
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
            aria-describedby="code-hint"
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
            }}
          />
        </label>
        <p id="code-hint" className="hint">
          {t('signIn.codeHint')}
        </p>
        {error && (
          <p id="sign-in-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </div>
  );
}
