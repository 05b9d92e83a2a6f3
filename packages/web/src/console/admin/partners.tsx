// Partner platforms (admin): create one with its scopes and rate limit, rotate
// its keys, revoke it. The server keeps only digests of keys, so the whole keys
// exist in exactly one answer: they are shown once, in this page's memory only
// (never stored, never in the address), and gone when the admin leaves the
// page or dismisses the panel. Lists show prefixes, which tell keys apart.

import { type RefObject, type SyntheticEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, ApiError, call, client, type paths } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { navigate } from '../router.ts';
import { ErrorText, PageTitle, useLoad, useShortcuts, LoadedView } from '../ui.tsx';
import { type ConfirmRequest, ConfirmDialog, LiveStatus, ResultPanel, SecretField, ShortcutHint, fieldsInError } from './widgets.tsx';

type Partner = Answer<'/api/console/partners', 'get'>['partners'][number];
type Credentials = Answer<'/api/console/partners', 'post'>;
type Scope = NonNullable<paths['/api/console/partners']['post']['requestBody']['content']['application/json']['scopes']>[number];

/** Every scope the server knows (a Record, so a scope added there and missing here does not compile). */
const SCOPE_KEYS: Readonly<Record<Scope, string>> = { 'feed:read': 'feedRead', match: 'match', 'feedback:write': 'feedbackWrite', 'hashes:write': 'hashesWrite' };
const SCOPES = Object.keys(SCOPE_KEYS) as Scope[];

export function PartnersPage() {
  const { t, i18n } = useTranslation('admin');
  const partners = useLoad(() => call(client.GET('/api/console/partners')), []);
  const [status, setStatus] = useState('');
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [shown, setShown] = useState<{ credentials: Credentials; rotated: boolean } | null>(null);
  const nameField = useRef<HTMLInputElement>(null);

  useShortcuts({ c: () => nameField.current?.focus() });

  const rotate = (partner: Partner) => {
    setConfirm({
      title: t('partners.rotateTitle', { name: partner.name }),
      body: <p>{t('partners.rotateBody')}</p>,
      confirmLabel: t('partners.rotate'),
      onConfirm: async () => {
        const credentials = await call(client.POST('/api/console/partners/{id}/rotate', { params: { path: { id: partner.id } } }));
        setShown({ credentials, rotated: true });
        setStatus('');
        partners.reload();
      },
    });
  };

  const revoke = (partner: Partner) => {
    setConfirm({
      title: t('partners.revokeTitle', { name: partner.name }),
      body: <p>{t('partners.revokeBody')}</p>,
      confirmLabel: t('partners.revoke'),
      typeToConfirm: partner.name,
      onConfirm: async () => {
        await call(client.POST('/api/console/partners/{id}/revoke', { params: { path: { id: partner.id } } }));
        setStatus(t('partners.revoked', { name: partner.name }));
        partners.reload();
      },
    });
  };

  return (
    <>
      <PageTitle title={t('partners.title')}>{t('partners.title')}</PageTitle>
      <ShortcutHint keys={[{ key: 'c', label: t('partners.shortcutCreate') }]} />
      <LiveStatus message={status} />

      {shown && (
        <KeysPanel
          credentials={shown.credentials}
          rotated={shown.rotated}
          onDismiss={() => {
            setShown(null);
            nameField.current?.focus();
          }}
        />
      )}

      <CreateForm
        nameField={nameField}
        onCreated={(credentials) => {
          setShown({ credentials, rotated: false });
          setStatus('');
          partners.reload();
        }}
      />

      <section className="admin-section">
        <LoadedView loaded={partners}>
          {(data) => (
            <>
              <table>
                <caption>{t('partners.caption', { n: data.partners.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('partners.name')}</th>
                    <th scope="col">{t('partners.status')}</th>
                    <th scope="col">{t('partners.scopes')}</th>
                    <th scope="col">{t('partners.keys')}</th>
                    <th scope="col">{t('partners.rateLimit')}</th>
                    <th scope="col">{t('partners.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.partners.length === 0 && (
                    <tr>
                      <td colSpan={6} className="empty">
                        {t('partners.empty')}
                      </td>
                    </tr>
                  )}
                  {data.partners.map((partner) => {
                    const current = partner.keys.filter((key) => key.revokedAt === null).sort(byKind);
                    const api = current.find((key) => key.kind === 'api');
                    return (
                      <tr key={partner.id}>
                        <th scope="row">{partner.name}</th>
                        <td>
                          {partner.revokedAt === null ? (
                            <>
                              {t('partners.active')}
                              <br />
                              <span className="hint">{t('partners.since', { date: formatDateTime(partner.createdAt, i18n.language) })}</span>
                            </>
                          ) : (
                            <span className="badge">{t('partners.revokedOn', { date: formatDateTime(partner.revokedAt, i18n.language) })}</span>
                          )}
                        </td>
                        <td>{api ? api.scopes.map((scope) => scopeLabel(scope, t)).join(', ') : '—'}</td>
                        <td>
                          {current.length === 0 ? (
                            '—'
                          ) : (
                            <ul className="keys-list">
                              {current.map((key) => (
                                <li key={key.prefix}>
                                  {key.prefix}… <span className="hint">{t(`partners.kind.${key.kind === 'api' ? 'api' : key.kind === 'stopncii_subscription' ? 'subscription' : 'function'}`, { endpoint: key.endpoint ?? '' })}</span>
                                </li>
                              ))}
                            </ul>
                          )}
                        </td>
                        <td>{t('partners.perMinute', { n: partner.rateLimitPerMinute })}</td>
                        <td className="actions">
                          {partner.revokedAt === null && (
                            <>
                              <a
                                className="button small"
                                href={`/console/admin/partners/${partner.id}/webhooks`}
                                aria-label={t('partners.webhooksOf', { name: partner.name })}
                                onClick={(event) => {
                                  event.preventDefault();
                                  navigate(`/console/admin/partners/${partner.id}/webhooks`);
                                }}
                              >
                                {t('partners.webhooks')}
                              </a>
                              <button
                                type="button"
                                className="small"
                                aria-label={t('partners.rotateOf', { name: partner.name })}
                                onClick={() => {
                                  rotate(partner);
                                }}
                              >
                                {t('partners.rotate')}
                              </button>
                              <button
                                type="button"
                                className="small danger"
                                aria-label={t('partners.revokeOf', { name: partner.name })}
                                onClick={() => {
                                  revoke(partner);
                                }}
                              >
                                {t('partners.revoke')}
                              </button>
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )}
        </LoadedView>
      </section>
      <ConfirmDialog
        request={confirm}
        onClose={() => {
          setConfirm(null);
        }}
      />
    </>
  );
}

/** The API key, then the subscription key, then the function keys by endpoint. */
const KIND_ORDER: Readonly<Record<string, number>> = { api: 0, stopncii_subscription: 1, stopncii_function: 2 };
function byKind(a: Partner['keys'][number], b: Partner['keys'][number]): number {
  return (KIND_ORDER[a.kind] ?? 3) - (KIND_ORDER[b.kind] ?? 3) || (a.endpoint ?? '').localeCompare(b.endpoint ?? '');
}

function scopeLabel(scope: string, t: (key: string) => string): string {
  const key = (SCOPE_KEYS as Record<string, string | undefined>)[scope];
  return key ? t(`partners.scope.${key}`) : scope;
}

function KeysPanel({ credentials, rotated, onDismiss }: { credentials: Credentials; rotated: boolean; onDismiss: () => void }) {
  const { t } = useTranslation('admin');
  const fn = credentials.stopncii.functionKeys;
  return (
    <ResultPanel title={t(rotated ? 'partners.keysRotatedTitle' : 'partners.keysTitle', { name: credentials.name })} dismissLabel={t('secret.saved')} onDismiss={onDismiss}>
      <p>
        <strong>{t('partners.keysOnce')}</strong> {t('partners.keysHow')}
      </p>
      <SecretField label={t('partners.apiKey')} value={credentials.apiKey} />
      <h3>{t('partners.stopnciiTitle')}</h3>
      <SecretField label={t('partners.subscriptionKey')} value={credentials.stopncii.subscriptionKey} />
      <SecretField label={t('partners.functionKey', { endpoint: 'FetchHashes' })} value={fn.FetchHashes} />
      <SecretField label={t('partners.functionKey', { endpoint: 'SubmitHashes' })} value={fn.SubmitHashes} />
      <SecretField label={t('partners.functionKey', { endpoint: 'SubmitFeedback' })} value={fn.SubmitFeedback} />
    </ResultPanel>
  );
}

function CreateForm({ nameField, onCreated }: { nameField: RefObject<HTMLInputElement | null>; onCreated: (credentials: Credentials) => void }) {
  const { t } = useTranslation('admin');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<Scope>>(new Set(SCOPES));
  const [rateLimit, setRateLimit] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const invalid = fieldsInError(error);
  const nameError = error instanceof ApiError && (error.status === 409 || error.code === 'bad_request' || invalid.has('name')) ? t(error.status === 409 ? 'partners.nameTaken' : 'partners.badName') : null;
  const rateError = invalid.has('rateLimitPerMinute') ? t('partners.badRate') : null;
  const scopesError = invalid.has('scopes') || scopes.size === 0 ? t('partners.noScope') : null;

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (scopes.size === 0) return;
    setBusy(true);
    setError(null);
    try {
      const limit = rateLimit.trim() === '' ? undefined : Number(rateLimit);
      const credentials = await call(
        client.POST('/api/console/partners', { body: { name: name.trim(), scopes: SCOPES.filter((s) => scopes.has(s)), ...(limit === undefined ? {} : { rateLimitPerMinute: limit }) } }),
      );
      onCreated(credentials);
      setName('');
      setScopes(new Set(SCOPES));
      setRateLimit('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="admin-section" aria-labelledby="create-partner-title">
      <h2 id="create-partner-title">{t('partners.createTitle')}</h2>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <label>
          {t('partners.name')}
          <input
            ref={nameField}
            required
            maxLength={100}
            autoComplete="off"
            value={name}
            aria-invalid={nameError !== null || undefined}
            aria-describedby={nameError ? 'partner-name-error partner-name-hint' : 'partner-name-hint'}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        </label>
        <p id="partner-name-hint" className="hint">
          {t('partners.nameHint')}
        </p>
        {nameError && (
          <p id="partner-name-error" role="alert" className="field-error">
            {nameError}
          </p>
        )}
        <fieldset aria-describedby={scopesError ? 'partner-scopes-error' : undefined}>
          <legend>{t('partners.scopes')}</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input
                type="checkbox"
                checked={scopes.has(scope)}
                onChange={(event) => {
                  const next = new Set(scopes);
                  if (event.target.checked) next.add(scope);
                  else next.delete(scope);
                  setScopes(next);
                }}
              />
              {scopeLabel(scope, t)}
            </label>
          ))}
          {scopesError && (
            <p id="partner-scopes-error" role="alert" className="field-error">
              {scopesError}
            </p>
          )}
        </fieldset>
        <label>
          {t('partners.rateLimitField')}
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={1_000_000}
            step={1}
            value={rateLimit}
            aria-invalid={rateError !== null || undefined}
            aria-describedby={rateError ? 'partner-rate-error partner-rate-hint' : 'partner-rate-hint'}
            onChange={(event) => {
              setRateLimit(event.target.value);
            }}
          />
        </label>
        <p id="partner-rate-hint" className="hint">
          {t('partners.rateHint')}
        </p>
        {rateError && (
          <p id="partner-rate-error" role="alert" className="field-error">
            {rateError}
          </p>
        )}
        {error !== null && nameError === null && rateError === null && <ErrorText error={error} />}
        <button type="submit" className="primary" disabled={busy || scopes.size === 0}>
          {t('partners.create')}
        </button>
      </form>
    </section>
  );
}

