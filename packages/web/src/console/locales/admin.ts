// The admin pages' texts.
export const admin = {
  en: { title: 'admin' },
  fr: { title: 'admin' },
} as const;
