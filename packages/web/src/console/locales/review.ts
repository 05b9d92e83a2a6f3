// The review pages' texts.
export const review = {
  en: { title: 'review' },
  fr: { title: 'review' },
} as const;
