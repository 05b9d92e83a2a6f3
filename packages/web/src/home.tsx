import { useTranslation } from 'react-i18next';
import type { PortalPublicConfig } from './api.ts';
import { Helplines } from './helplines.tsx';
import type { Page } from './app.tsx';

export function Home({ config, go }: { config: PortalPublicConfig | null; go: (page: Page) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <h1 tabIndex={-1} className="page-title">
        {t('home.title')}
      </h1>
      <p className="lead">{t('home.intro')}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => {
          go('report');
        }}>
          {t('home.report')}
        </button>
        <button type="button" onClick={() => {
          go('follow-up');
        }}>
          {t('home.followUp')}
        </button>
      </div>
      <section aria-labelledby="privacy-title" className="promise">
        <h2 id="privacy-title">{t('home.privacyTitle')}</h2>
        <p>{t('home.privacy')}</p>
      </section>
      <section aria-labelledby="does-title">
        <h2 id="does-title">{t('home.doesTitle')}</h2>
        <ul>
          <li>{t('home.does1')}</li>
          <li>{t('home.does2')}</li>
          <li>{t('home.does3')}</li>
        </ul>
      </section>
      <section aria-labelledby="does-not-title">
        <h2 id="does-not-title">{t('home.doesNotTitle')}</h2>
        <ul>
          <li>{t('home.doesNot1')}</li>
          <li>{t('home.doesNot2')}</li>
          <li>{t('home.doesNot3')}</li>
        </ul>
      </section>
      <Helplines config={config} />
    </>
  );
}
