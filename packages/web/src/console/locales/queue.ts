// The queue pages' texts.
export const queue = {
  en: { title: 'queue' },
  fr: { title: 'queue' },
} as const;
