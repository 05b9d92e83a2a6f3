// Accounts (admin): who may sign in and with which role. Inviting makes an
// account and a one-time enrolment link, shown once: the token rides in the
// link's fragment, which browsers never send to a server, so it stays out of
// every access log. Disabling ends the account's sessions at once. An admin
// cannot disable or demote themselves (the server refuses it too). "New link"
// renews an invitation that lapsed; "Reset access" lets back in someone who
// lost their authenticator or password (both void earlier links).

import { type RefObject, type SyntheticEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answer, ApiError, call, client } from '../api.ts';
import { formatDateTime } from '../i18n.ts';
import { type Role, useSession } from '../session.tsx';
import { ErrorText, PageTitle, errorMessage, useLoad, useShortcuts, LoadedView } from '../ui.tsx';
import { type ConfirmRequest, ConfirmDialog, LiveStatus, ResultPanel, SecretField, ShortcutHint, fieldsInError } from './widgets.tsx';

type User = Answer<'/api/console/users', 'get'>['users'][number];

const ROLES: readonly Role[] = ['analyst', 'supervisor', 'admin'];

export function UsersPage() {
  const { t } = useTranslation('admin');
  const { me } = useSession();
  const users = useLoad(() => call(client.GET('/api/console/users')), []);
  const [status, setStatus] = useState('');
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [invited, setInvited] = useState<{ email: string; link: string; renewed: boolean } | null>(null);
  const emailField = useRef<HTMLInputElement>(null);

  useShortcuts({ i: () => emailField.current?.focus() });

  const update = async (user: User, change: { role?: Role; disabled?: boolean }) => {
    await call(client.PATCH('/api/console/users/{id}', { params: { path: { id: user.id } }, body: change }));
    users.reload();
    if (change.role) setStatus(t('users.roleChanged', { email: user.email, role: t(`common:roles.${change.role}`) }));
    else setStatus(t(change.disabled === true ? 'users.disabledDone' : 'users.enabledDone', { email: user.email }));
  };

  const renew = async (user: User) => {
    const renewed = await call(client.POST('/api/console/users/{id}/enrolment', { params: { path: { id: user.id } } }));
    setInvited({ email: user.email, link: enrolmentLink(renewed.enrolmentToken), renewed: true });
    setStatus(t('users.renewedDone', { email: user.email }));
    users.reload();
  };

  return (
    <>
      <PageTitle title={t('users.title')}>{t('users.title')}</PageTitle>
      <ShortcutHint keys={[{ key: 'i', label: t('users.shortcutInvite') }]} />
      <LiveStatus message={status} />

      {invited && (
        <ResultPanel
          title={t(invited.renewed ? 'users.newLinkTitle' : 'users.linkTitle', { email: invited.email })}
          dismissLabel={t('secret.saved')}
          onDismiss={() => {
            setInvited(null);
            emailField.current?.focus();
          }}
        >
          <p>
            <strong>{t('users.linkOnce')}</strong> {t('users.linkHow')}
          </p>
          <SecretField label={t('users.linkLabel')} value={invited.link} />
        </ResultPanel>
      )}

      <InviteForm
        emailField={emailField}
        onInvited={(email, token) => {
          setInvited({ email, link: enrolmentLink(token), renewed: false });
          setStatus('');
          users.reload();
        }}
      />

      <section className="admin-section">
        <LoadedView loaded={users}>
          {(data) => (
            <>
              <table>
                <caption>{t('users.caption', { n: data.users.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('users.email')}</th>
                    <th scope="col">{t('users.role')}</th>
                    <th scope="col">{t('users.state')}</th>
                    <th scope="col">{t('users.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.users.map((user) => (
                    <UserRow
                      key={`${user.id}-${user.role}`}
                      user={user}
                      self={user.id === me.user.id}
                      onRole={(role) => update(user, { role })}
                      onEnable={() => update(user, { disabled: false })}
                      onRenew={() => {
                        const reset = user.enrolled;
                        setConfirm({
                          title: t(reset ? 'users.resetTitle' : 'users.renewTitle', { email: user.email }),
                          body: <p>{t(reset ? 'users.resetBody' : 'users.renewBody')}</p>,
                          confirmLabel: t(reset ? 'users.reset' : 'users.renew'),
                          onConfirm: () => renew(user),
                        });
                      }}
                      onDisable={() => {
                        setConfirm({
                          title: t('users.disableTitle', { email: user.email }),
                          body: <p>{t('users.disableBody')}</p>,
                          confirmLabel: t('users.disable'),
                          onConfirm: () => update(user, { disabled: true }),
                        });
                      }}
                    />
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

/** The token rides in the fragment: browsers never send it to a server. */
function enrolmentLink(token: string): string {
  return `${window.location.origin}/console/enrol#${token}`;
}

function EnrolmentState({ user }: { user: User }) {
  const { t, i18n } = useTranslation('admin');
  if (user.disabled) return <span className="badge">{t('users.disabled')}</span>;
  if (user.enrolled) return <>{t('users.active')}</>;
  const expires = user.enrolmentExpiresAt;
  if (expires === null || Date.parse(expires) <= Date.now()) return <span className="badge warn">{t('users.lapsed')}</span>;
  return <span className="badge">{t('users.pendingUntil', { time: formatDateTime(expires, i18n.language) })}</span>;
}

interface UserRowProps {
  user: User;
  self: boolean;
  onRole: (role: Role) => Promise<void>;
  onDisable: () => void;
  onEnable: () => Promise<void>;
  onRenew: () => void;
}

function UserRow({ user, self, onRole, onDisable, onEnable, onRenew }: UserRowProps) {
  const { t } = useTranslation('admin');
  const [role, setRole] = useState<Role>(user.role);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr>
      <td>
        {user.email}
        {self && <span className="hint"> {t('users.you')}</span>}
      </td>
      <td>
        {self ? (
          t(`common:roles.${user.role}`)
        ) : (
          <form
            className="inline-form"
            onSubmit={(event: SyntheticEvent) => {
              event.preventDefault();
              void run(() => onRole(role));
            }}
          >
            <select
              aria-label={t('users.roleOf', { email: user.email })}
              value={role}
              onChange={(event) => {
                setRole(event.target.value as Role);
              }}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`common:roles.${r}`)}
                </option>
              ))}
            </select>
            <button type="submit" className="small" disabled={busy || role === user.role} aria-label={t('users.saveRoleOf', { email: user.email })}>
              {t('users.saveRole')}
            </button>
          </form>
        )}
      </td>
      <td>
        <EnrolmentState user={user} />
      </td>
      <td className="actions">
        {self ? (
          <span className="hint">{t('users.notSelf')}</span>
        ) : user.disabled ? (
          <button type="button" className="small" disabled={busy} onClick={() => void run(onEnable)} aria-label={t('users.enableOf', { email: user.email })}>
            {t('users.enable')}
          </button>
        ) : (
          <>
            <button type="button" className="small" disabled={busy} onClick={onRenew} aria-label={t(user.enrolled ? 'users.resetOf' : 'users.renewOf', { email: user.email })}>
              {t(user.enrolled ? 'users.reset' : 'users.renew')}
            </button>{' '}
            <button type="button" className="small danger" disabled={busy} onClick={onDisable} aria-label={t('users.disableOf', { email: user.email })}>
              {t('users.disable')}
            </button>
          </>
        )}
        {error !== null && <ErrorText error={error} />}
      </td>
    </tr>
  );
}

function InviteForm({ emailField, onInvited }: { emailField: RefObject<HTMLInputElement | null>; onInvited: (email: string, token: string) => void }) {
  const { t } = useTranslation('admin');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const emailInvalid = fieldsInError(error).has('email');

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await call(client.POST('/api/console/users', { body: { email: email.trim(), role } }));
      onInvited(email.trim().toLowerCase(), created.enrolmentToken);
      setEmail('');
      setRole('analyst');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="admin-section" aria-labelledby="invite-title">
      <h2 id="invite-title">{t('users.inviteTitle')}</h2>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate={false}>
        <label>
          {t('users.email')}
          <input
            ref={emailField}
            type="email"
            required
            maxLength={254}
            autoComplete="off"
            value={email}
            aria-invalid={emailInvalid || undefined}
            aria-describedby={emailInvalid ? 'invite-email-error' : undefined}
            onChange={(event) => {
              setEmail(event.target.value);
            }}
          />
        </label>
        {emailInvalid && (
          <p id="invite-email-error" role="alert" className="field-error">
            {t('users.badEmail')}
          </p>
        )}
        <label>
          {t('users.role')}
          <select
            value={role}
            onChange={(event) => {
              setRole(event.target.value as Role);
            }}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`common:roles.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <p className="hint">{t('users.inviteHint')}</p>
        {error !== null && !emailInvalid && (
          <p role="alert" className="error">
            {error instanceof ApiError && error.status === 409 ? t('users.exists') : errorMessage(error, t)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('users.invite')}
        </button>
      </form>
    </section>
  );
}
