// The review area's pages (to be built).
import { useTranslation } from 'react-i18next';
import { type ConsolePage, REVIEWERS } from '../page.ts';
import { PageTitle } from '../ui.tsx';

function Placeholder() {
  const { t } = useTranslation('review');
  return <PageTitle title={t('title')}>{t('title')}</PageTitle>;
}

export const reviewPages: readonly ConsolePage[] = [{ pattern: '/console/items/:id', roles: REVIEWERS, render: () => <Placeholder /> }];
