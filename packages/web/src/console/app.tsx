// The console's shell: who is signed in, the menu their role allows, the
// page for the address, and the sign-in form in place of any page when the
// session is missing or has ended (the address is kept, so signing in again
// returns to the same page with nothing lost but unsaved input).

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, call, client, onSessionExpired, setCsrfToken } from './api.ts';
import { Enrol } from './enrol.tsx';
import { type Language, switchLanguage } from './i18n.ts';
import { PAGES, findPage, homeOf } from './pages.tsx';
import { navigate, usePath } from './router.ts';
import { type Me, SessionContext } from './session.tsx';
import { SignIn } from './sign-in.tsx';
import { ErrorText, Loading, PageTitle } from './ui.tsx';

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'signed-out'; readonly notice: 'expired' | 'signed-out' | 'enrolled' | null; readonly email: string }
  | { readonly kind: 'signed-in'; readonly me: Me };

export function App() {
  const { t, i18n } = useTranslation();
  const path = usePath();
  const [state, setState] = useState<State>({ kind: 'loading' });

  const loadMe = useCallback(async (): Promise<void> => {
    try {
      const me = await call(client.GET('/api/console/me'));
      setCsrfToken(me.csrfToken);
      setState({ kind: 'signed-in', me });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out', notice: null, email: '' });
      else setState({ kind: 'failed', error });
    }
  }, []);

  useEffect(() => {
    if (path === '/console/enrol') return;
    if (state.kind === 'loading') void loadMe();
  }, [path, state.kind, loadMe]);

  useEffect(
    () =>
      onSessionExpired(() => {
        setCsrfToken(null);
        setState((previous) => (previous.kind === 'signed-in' ? { kind: 'signed-out', notice: 'expired', email: previous.me.user.email } : previous));
      }),
    [],
  );

  // After signing in on /console or /console/login, go to the role's first page.
  useEffect(() => {
    if (state.kind === 'signed-in' && (path === '/console' || path === '/console/' || path === '/console/login')) navigate(homeOf(state.me), { replace: true });
  }, [state, path]);

  const signOut = useCallback(() => {
    void call(client.POST('/api/console/logout')).finally(() => {
      setCsrfToken(null);
      setState({ kind: 'signed-out', notice: 'signed-out', email: '' });
      navigate('/console/login', { replace: true });
    });
  }, []);

  const other: Language = i18n.language === 'fr' ? 'en' : 'fr';
  const language = (
    <button type="button" className="language" lang={other} aria-label={t('app.languageLabel')} onClick={() => void switchLanguage(other)}>
      {t('app.language')}
    </button>
  );

  let content;
  if (path === '/console/enrol') {
    content = (
      <Enrol
        onEnrolled={(email) => {
          setState({ kind: 'signed-out', notice: 'enrolled', email });
          navigate('/console/login', { replace: true });
        }}
      />
    );
  } else if (state.kind === 'loading') content = <Loading />;
  else if (state.kind === 'failed')
    content = (
      <ErrorText
        error={state.error}
        onRetry={() => {
          setState({ kind: 'loading' });
        }}
      />
    );
  else if (state.kind === 'signed-out')
    content = (
      <SignIn
        key={state.notice ?? 'none'}
        notice={state.notice}
        initialEmail={state.email}
        onSignedIn={() => {
          setState({ kind: 'loading' });
        }}
      />
    );
  else {
    const found = findPage(path);
    content =
      found && found.page.roles.includes(state.me.user.role) ? (
        found.page.render(found.params)
      ) : (
        <>
          <PageTitle title={t('app.notFound')}>{t('app.notFound')}</PageTitle>
        </>
      );
  }

  const me = state.kind === 'signed-in' ? state.me : null;
  const menu = me ? PAGES.filter((page) => page.nav !== undefined && page.roles.includes(me.user.role)) : [];

  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="console-header">
        <span className="brand">{t('app.name')}</span>
        {me && (
          <nav aria-label={t('app.nav')}>
            <ul>
              {menu.map((page) => {
                const current = path === page.pattern || path.startsWith(`${page.pattern}/`);
                return (
                  <li key={page.pattern}>
                    <a
                      href={page.pattern}
                      aria-current={current ? 'page' : undefined}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate(page.pattern);
                      }}
                    >
                      {t(`nav.${page.nav ?? 'queue'}`)}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
        )}
        <div className="account">
          {me && <span className="who">{t('app.signedInAs', { email: me.user.email, role: t(`roles.${me.user.role}`) })}</span>}
          {language}
          {me && (
            <button type="button" className="small" onClick={signOut}>
              {t('app.signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {me ? <SessionContext.Provider value={{ me, signOut }}>{content}</SessionContext.Provider> : content}
      </main>
    </>
  );
}
