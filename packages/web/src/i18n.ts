// French and English. French when the browser's first language is French,
// English otherwise; the choice is never stored (nothing is kept in this
// browser), so a shared device shows no trace of a visit.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en.ts';
import { fr } from './locales/fr.ts';

export type Language = 'fr' | 'en';

export function preferredLanguage(languages: readonly string[] = navigator.languages): Language {
  const first = languages[0] ?? navigator.language;
  return first.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export async function setupI18n(language: Language): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  document.documentElement.lang = language;
  return i18next;
}

export async function switchLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
