// The console in French and English, one namespace per area (common, queue,
// review, takedowns, stats, admin, oversight), each area's two languages in one file so
// they are edited together (a test checks they have the same keys). Staff
// choose their language once; it is kept in this browser (a hotline's own
// workstation — unlike the victim portal, which keeps nothing).
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { admin } from './locales/admin.ts';
import { common } from './locales/common.ts';
import { oversight } from './locales/oversight.ts';
import { queue } from './locales/queue.ts';
import { review } from './locales/review.ts';
import { stats } from './locales/stats.ts';
import { takedowns } from './locales/takedowns.ts';

export type Language = 'fr' | 'en';

export const NAMESPACES = { common, queue, review, takedowns, stats, admin, oversight } as const;

const STORAGE_KEY = 'disrupt.console.language';

export function preferredLanguage(): Language {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (stored === 'fr' || stored === 'en') return stored;
  return (navigator.languages[0] ?? navigator.language).toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export async function setupI18n(language: Language): Promise<void> {
  const resources = { en: {} as Record<string, object>, fr: {} as Record<string, object> };
  for (const [name, texts] of Object.entries(NAMESPACES)) {
    resources.en[name] = texts.en;
    resources.fr[name] = texts.fr;
  }
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    ns: Object.keys(NAMESPACES),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  document.documentElement.lang = language;
}

export async function switchLanguage(language: Language): Promise<void> {
  window.localStorage.setItem(STORAGE_KEY, language);
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

/** Dates and numbers in the interface language. */
export function formatDateTime(iso: string | null | undefined, language: string): string {
  if (iso === null || iso === undefined) return '—';
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** "3 h", "2 d": how long ago, short. */
export function formatAge(iso: string, language: string, now: number = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60_000));
  const format = new Intl.RelativeTimeFormat(language === 'fr' ? 'fr' : 'en', { numeric: 'always', style: 'short' });
  if (minutes < 60) return format.format(-minutes, 'minute');
  if (minutes < 48 * 60) return format.format(-Math.round(minutes / 60), 'hour');
  return format.format(-Math.round(minutes / 1440), 'day');
}
