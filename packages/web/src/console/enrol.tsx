// Enrolment from a one-time link (/console/enrol#<token>): the token is read
// from the fragment — which never reaches the server or its logs — and the
// fragment is then cleared from the address bar. The authenticator's secret
// is shown as a QR code (and as text for typing by hand); a password and a
// first code finish it.

import { QRCodeSVG } from 'qrcode.react';
import { type SyntheticEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, call, client } from './api.ts';
import { PageTitle, errorMessage } from './ui.tsx';

const MIN_PASSWORD = 12;

/** The account's email, from the otpauth URL's label ("Disrupt:alice@example.org"). */
function emailOf(otpauthUrl: string): string {
  const label = decodeURIComponent(new URL(otpauthUrl).pathname.replace(/^\/\/?totp\//, '').replace(/^\//, ''));
  return label.includes(':') ? label.slice(label.indexOf(':') + 1) : label;
}

export function Enrol({ onEnrolled }: { onEnrolled: (email: string) => void }) {
  const { t } = useTranslation();
  const [token] = useState(() => window.location.hash.slice(1));
  const [setup, setSetup] = useState<{ otpauthUrl: string; secret: string } | null>(null);
  const [invalid, setInvalid] = useState(false);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (token === '') return;
    window.history.replaceState(null, '', window.location.pathname);
    call(client.POST('/api/console/enrol/start', { body: { token } })).then(setSetup, () => {
      setInvalid(true);
    });
  }, [token]);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setError(null);
    if (password.length < MIN_PASSWORD || password !== confirm) {
      setError(t(password.length < MIN_PASSWORD ? 'enrol.tooShort' : 'enrol.mismatch'));
      return;
    }
    setBusy(true);
    try {
      await call(client.POST('/api/console/enrol/finish', { body: { token, password, code: code.replace(/\s/g, '') } }));
      onEnrolled(setup ? emailOf(setup.otpauthUrl) : '');
    } catch (caught) {
      setCode('');
      if (caught instanceof ApiError && caught.status === 404) setInvalid(true);
      else if (caught instanceof ApiError && caught.status === 400) setError(t('enrol.badCode'));
      else setError(errorMessage(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <PageTitle title={t('enrol.title')}>{t('enrol.title')}</PageTitle>
      {token === '' ? (
        <p role="alert" className="error">
          {t('enrol.noToken')}
        </p>
      ) : invalid ? (
        <p role="alert" className="error">
          {t('enrol.invalid')}
        </p>
      ) : (
        <>
          <p>{t('enrol.intro')}</p>
          <form onSubmit={(event) => void submit(event)} className="form">
            <h2>{t('enrol.step1')}</h2>
            {setup && (
              <div className="qr">
                <QRCodeSVG value={setup.otpauthUrl} size={200} marginSize={2} role="img" aria-label={t('enrol.qrLabel')} />
                <p>
                  {t('enrol.manual')} <code className="secret">{setup.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
                </p>
              </div>
            )}
            <h2>{t('enrol.step2')}</h2>
            <label>
              {t('enrol.password')}
              <input type="password" autoComplete="new-password" required value={password} onChange={(e) => {
                setPassword(e.target.value);
              }} />
            </label>
            <label>
              {t('enrol.confirm')}
              <input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => {
                setConfirm(e.target.value);
              }} />
            </label>
            <h2>{t('enrol.step3')}</h2>
            <label>
              {t('enrol.code')}
              <input inputMode="numeric" autoComplete="one-time-code" maxLength={7} required value={code} onChange={(e) => {
                setCode(e.target.value);
              }} />
            </label>
            {error && (
              <p role="alert" className="error">
                {error}
              </p>
            )}
            <button type="submit" className="primary" disabled={busy || setup === null}>
              {t('enrol.submit')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
