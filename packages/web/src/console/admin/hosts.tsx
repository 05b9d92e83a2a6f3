// The host directory (supervisors and admins): who receives a takedown notice
// for a site. A domain covers its subdomains (the longest match wins: an entry
// for cdn.example.com beats example.com). A host without an abuse address gets
// its notices through the outbox, to send by hand. Validation errors from the
// server are shown at their field.

import { type RefObject, type SyntheticEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, ApiError, call, client } from '../api.ts';
import { ErrorText, PageTitle, useLoad, useShortcuts, LoadedView } from '../ui.tsx';
import { type ConfirmRequest, ConfirmDialog, LiveStatus, ShortcutHint, fieldsInError } from './widgets.tsx';

type Host = Answer<'/api/console/hosts', 'get'>['hosts'][number];

interface Draft {
  domain: string;
  name: string;
  abuseEmail: string;
  language: 'fr' | 'en';
  partner: boolean;
}

const EMPTY: Draft = { domain: '', name: '', abuseEmail: '', language: 'fr', partner: false };

export function HostsPage() {
  const { t } = useTranslation('admin');
  const hosts = useLoad(() => call(client.GET('/api/console/hosts')), []);
  const [status, setStatus] = useState('');
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [editing, setEditing] = useState<Host | null>(null);
  const [filter, setFilter] = useState('');
  const firstField = useRef<HTMLInputElement>(null);
  const filterField = useRef<HTMLInputElement>(null);

  // Leaving an edit (saved or cancelled) puts the focus back in the add form.
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && editing === null) firstField.current?.focus();
    wasEditing.current = editing !== null;
  }, [editing]);

  useShortcuts({
    a: () => {
      setEditing(null);
      firstField.current?.focus();
    },
    '/': () => filterField.current?.focus(),
  });

  const remove = (host: Host) => {
    setConfirm({
      title: t('hosts.deleteTitle', { domain: host.domain }),
      body: <p>{t('hosts.deleteBody')}</p>,
      confirmLabel: t('hosts.delete'),
      onConfirm: async () => {
        await call(client.DELETE('/api/console/hosts/{id}', { params: { path: { id: host.id } } }));
        if (editing?.id === host.id) setEditing(null);
        setStatus(t('hosts.deleted', { domain: host.domain }));
        hosts.reload();
      },
    });
  };

  const needle = filter.trim().toLowerCase();
  const shown = (hosts.data?.hosts ?? []).filter((h) => needle === '' || h.domain.includes(needle) || h.name.toLowerCase().includes(needle) || (h.abuseEmail ?? '').includes(needle));

  return (
    <>
      <PageTitle title={t('hosts.title')}>{t('hosts.title')}</PageTitle>
      <p>{t('hosts.intro')}</p>
      <ShortcutHint
        keys={[
          { key: 'a', label: t('hosts.shortcutAdd') },
          { key: '/', label: t('hosts.shortcutFilter') },
        ]}
      />
      <LiveStatus message={status} />

      <HostForm
        key={editing?.id ?? 'new'}
        host={editing}
        firstField={firstField}
        onSaved={(saved, created) => {
          setStatus(t(created ? 'hosts.added' : 'hosts.saved', { domain: saved.domain }));
          setEditing(null);
          hosts.reload();
        }}
        onCancel={() => {
          setEditing(null);
        }}
      />

      <section className="admin-section">
        <label className="field filter">
          {t('hosts.filter')}
          <input
            ref={filterField}
            type="search"
            value={filter}
            onChange={(event) => {
              setFilter(event.target.value);
            }}
          />
        </label>
        <LoadedView loaded={hosts}>
          {(data) => (
            <>
              <table>
                <caption>{needle === '' ? t('hosts.caption', { n: shown.length }) : t('hosts.captionFiltered', { n: shown.length, total: data.hosts.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('hosts.domain')}</th>
                    <th scope="col">{t('hosts.name')}</th>
                    <th scope="col">{t('hosts.abuseEmail')}</th>
                    <th scope="col">{t('hosts.language')}</th>
                    <th scope="col">{t('hosts.partner')}</th>
                    <th scope="col">{t('hosts.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.length === 0 && (
                    <tr>
                      <td colSpan={6} className="empty">
                        {needle === '' ? t('hosts.empty') : t('hosts.noneFiltered')}
                      </td>
                    </tr>
                  )}
                  {shown.map((host) => (
                    <tr key={host.id}>
                      <th scope="row">{host.domain}</th>
                      <td>{host.name}</td>
                      <td>{host.abuseEmail ?? <span className="hint">{t('hosts.noEmail')}</span>}</td>
                      <td>{t(`hosts.languages.${host.language}`)}</td>
                      <td>{host.partner ? t('hosts.yes') : t('hosts.no')}</td>
                      <td className="actions">
                        <button
                          type="button"
                          className="small"
                          aria-label={t('hosts.editOf', { domain: host.domain })}
                          onClick={() => {
                            setEditing(host);
                            setStatus('');
                          }}
                        >
                          {t('hosts.edit')}
                        </button>
                        <button
                          type="button"
                          className="small danger"
                          aria-label={t('hosts.deleteOf', { domain: host.domain })}
                          onClick={() => {
                            remove(host);
                          }}
                        >
                          {t('hosts.delete')}
                        </button>
                      </td>
                    </tr>
                  ))}
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

/** Adds a host, or edits one (its domain is its identity and stays as it is). */
function HostForm({ host, firstField, onSaved, onCancel }: { host: Host | null; firstField: RefObject<HTMLInputElement | null>; onSaved: (host: Host, created: boolean) => void; onCancel: () => void }) {
  const { t } = useTranslation('admin');
  const [draft, setDraft] = useState<Draft>(host ? { domain: host.domain, name: host.name, abuseEmail: host.abuseEmail ?? '', language: host.language, partner: host.partner } : EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const invalid = fieldsInError(error);
  const conflict = error instanceof ApiError && error.status === 409;
  const fieldError: Partial<Record<'domain' | 'name' | 'abuseEmail', string>> = {
    ...(invalid.has('domain') ? { domain: t('hosts.errors.domain') } : conflict ? { domain: t('hosts.errors.domainTaken') } : {}),
    ...(invalid.has('name') ? { name: t('hosts.errors.name') } : {}),
    ...(invalid.has('abuseEmail') ? { abuseEmail: t('hosts.errors.abuseEmail') } : {}),
  };
  const anyFieldError = Object.keys(fieldError).length > 0;

  // Editing starts with the focus in the form, on its heading.
  const [focusOnMount] = useState(host !== null);
  const headingRef = (element: HTMLHeadingElement | null) => {
    heading.current = element;
    if (element && focusOnMount) element.focus();
  };

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((previous) => ({ ...previous, [key]: value }));
  };

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const common = { name: draft.name.trim(), abuseEmail: draft.abuseEmail.trim() === '' ? null : draft.abuseEmail.trim(), language: draft.language, partner: draft.partner };
    try {
      const saved = host
        ? await call(client.PATCH('/api/console/hosts/{id}', { params: { path: { id: host.id } }, body: common }))
        : await call(client.POST('/api/console/hosts', { body: { domain: draft.domain.trim(), ...common } }));
      onSaved(saved, host === null);
      if (!host) {
        setDraft(EMPTY);
        firstField.current?.focus();
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const describedBy = (field: 'domain' | 'name' | 'abuseEmail', hint?: string) => [fieldError[field] ? `host-${field}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    <section className="admin-section" aria-labelledby="host-form-title">
      <h2 id="host-form-title" ref={headingRef} tabIndex={-1}>
        {host ? t('hosts.editTitle', { domain: host.domain }) : t('hosts.addTitle')}
      </h2>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        {host === null && (
          <>
            <label>
              {t('hosts.domain')}
              <input
                ref={firstField}
                required
                maxLength={253}
                autoComplete="off"
                spellCheck={false}
                value={draft.domain}
                aria-invalid={fieldError.domain !== undefined || undefined}
                aria-describedby={describedBy('domain', 'host-domain-hint')}
                onChange={(event) => {
                  set('domain', event.target.value);
                }}
              />
            </label>
            <p id="host-domain-hint" className="hint">
              {t('hosts.domainHint')}
            </p>
            <FieldError id="host-domain-error" text={fieldError.domain} />
          </>
        )}
        <label>
          {t('hosts.name')}
          <input
            ref={host === null ? undefined : firstField}
            required
            maxLength={200}
            autoComplete="off"
            value={draft.name}
            aria-invalid={fieldError.name !== undefined || undefined}
            aria-describedby={describedBy('name')}
            onChange={(event) => {
              set('name', event.target.value);
            }}
          />
        </label>
        <FieldError id="host-name-error" text={fieldError.name} />
        <label>
          {t('hosts.abuseEmail')}
          <input
            type="email"
            maxLength={254}
            autoComplete="off"
            value={draft.abuseEmail}
            aria-invalid={fieldError.abuseEmail !== undefined || undefined}
            aria-describedby={describedBy('abuseEmail', 'host-email-hint')}
            onChange={(event) => {
              set('abuseEmail', event.target.value);
            }}
          />
        </label>
        <p id="host-email-hint" className="hint">
          {t('hosts.abuseEmailHint')}
        </p>
        <FieldError id="host-abuseEmail-error" text={fieldError.abuseEmail} />
        <label>
          {t('hosts.language')}
          <select
            value={draft.language}
            onChange={(event) => {
              set('language', event.target.value === 'en' ? 'en' : 'fr');
            }}
          >
            <option value="fr">{t('hosts.languages.fr')}</option>
            <option value="en">{t('hosts.languages.en')}</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.partner}
            onChange={(event) => {
              set('partner', event.target.checked);
            }}
          />
          {t('hosts.partnerField')}
        </label>
        {error !== null && !anyFieldError && <ErrorText error={error} />}
        {anyFieldError && (
          <p role="alert" className="error">
            {t('hosts.errors.summary')}
          </p>
        )}
        <div className="toolbar">
          <button type="submit" className="primary" disabled={busy}>
            {host ? t('hosts.save') : t('hosts.add')}
          </button>
          {host && (
            <button type="button" onClick={onCancel}>
              {t('common:actions.cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (text === undefined) return null;
  return (
    <p id={id} className="field-error">
      {text}
    </p>
  );
}
