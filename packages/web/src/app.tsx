// The portal's shell: header (language, quick exit), the page, and the
// portal's own "routes". Pages change with history.replaceState, never
// pushState: the portal holds one history entry, which quick exit overwrites.

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type PortalPublicConfig, api } from './api.ts';
import { FollowUp } from './follow-up.tsx';
import { Home } from './home.tsx';
import { type Language, switchLanguage } from './i18n.ts';
import { installEscapeShortcut, quickExit, setExitUrl } from './quick-exit.ts';
import { Report } from './report.tsx';

export type Page = 'home' | 'report' | 'follow-up';

const PATHS: Record<Page, string> = { home: '/', report: '/report', 'follow-up': '/follow-up' };

function pageOf(path: string): Page {
  if (path === PATHS.report) return 'report';
  if (path === PATHS['follow-up']) return 'follow-up';
  return 'home';
}

export function App() {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState<Page>(() => pageOf(window.location.pathname));
  const [config, setConfig] = useState<PortalPublicConfig | null>(null);
  const [offline, setOffline] = useState(false);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => installEscapeShortcut(), []);
  useEffect(() => {
    api.config().then(
      (loaded) => {
        setConfig(loaded);
        setExitUrl(loaded.quickExitUrl);
      },
      () => {
        setOffline(true);
      },
    );
  }, []);
  useEffect(() => {
    document.title = `${t(page === 'home' ? 'app.name' : page === 'report' ? 'steps.title' : 'followUp.title')} — ${t('app.name')}`;
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    // A new page: screen readers start from its title.
    main.current?.querySelector<HTMLElement>('.page-title')?.focus();
  }, [page, t]);

  const go = (next: Page) => {
    window.history.replaceState(null, '', PATHS[next]);
    setPage(next);
    window.scrollTo(0, 0);
  };
  const other: Language = i18n.language === 'fr' ? 'en' : 'fr';

  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="site-header">
        <div className="bar">
          <button type="button" className="brand" onClick={() => {
            go('home');
          }}>
            {t('app.name')}
            <span className="visually-hidden"> — {t('app.home')}</span>
          </button>
          <button type="button" className="language" lang={other} aria-label={t('app.languageLabel')} onClick={() => void switchLanguage(other)}>
            {t('app.language')}
          </button>
          <button type="button" className="quick-exit" onClick={quickExit} aria-describedby="quick-exit-hint">
            {t('app.quickExit')}
          </button>
        </div>
        <p id="quick-exit-hint" className="hint quick-exit-hint">
          {t('app.quickExitHint')}
        </p>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {offline && (
          <p role="alert" className="error">
            {t('app.offline')}
          </p>
        )}
        {page === 'home' && <Home config={config} go={go} />}
        {page === 'report' && <Report config={config} go={go} />}
        {page === 'follow-up' && <FollowUp config={config} />}
      </main>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </>
  );
}
