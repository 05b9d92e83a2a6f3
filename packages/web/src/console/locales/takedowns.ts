// The takedowns pages' texts.
export const takedowns = {
  en: { title: 'takedowns' },
  fr: { title: 'takedowns' },
} as const;
