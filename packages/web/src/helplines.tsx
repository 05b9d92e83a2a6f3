import { useTranslation } from 'react-i18next';
import type { PortalPublicConfig } from './api.ts';
import type { Language } from './i18n.ts';

export function Helplines({ config, minorsOnly = false, headingLevel = 2 }: { config: PortalPublicConfig | null; minorsOnly?: boolean; headingLevel?: 2 | 3 }) {
  const { t, i18n } = useTranslation();
  const language = (i18n.language === 'fr' ? 'fr' : 'en') satisfies Language;
  const lines = (config?.helplines ?? []).filter((line) => !minorsOnly || line.minors === true);
  if (lines.length === 0) return null;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="helplines" aria-labelledby={minorsOnly ? 'helplines-minors' : 'helplines-all'}>
      <Heading id={minorsOnly ? 'helplines-minors' : 'helplines-all'}>{t('helplines.title')}</Heading>
      <p>{minorsOnly ? t('helplines.minorsIntro') : t('helplines.intro')}</p>
      <ul className="helpline-list">
        {lines.map((line) => (
          <li key={line.name}>
            {line.phone !== undefined ? (
              <a className="helpline-phone" href={`tel:${line.phone.replace(/[^0-9+]/g, '')}`}>
                {t('helplines.call', { phone: line.phone })}
              </a>
            ) : (
              <strong>{line.name}</strong>
            )}
            {line.text?.[language] !== undefined && <span className="helpline-text"> — {line.text[language]}</span>}
            {line.url !== undefined && (
              <>
                {' '}
                <a href={line.url} rel="noreferrer noopener" target="_blank">
                  {t('helplines.website', { name: line.name })}
                </a>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
