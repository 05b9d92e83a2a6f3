// The stats pages' texts.
export const stats = {
  en: { title: 'stats' },
  fr: { title: 'stats' },
} as const;
