// The queue area's pages (to be built).
import { useTranslation } from 'react-i18next';
import { type ConsolePage, REVIEWERS } from '../page.ts';
import { PageTitle } from '../ui.tsx';

function Placeholder() {
  const { t } = useTranslation('queue');
  return <PageTitle title={t('title')}>{t('title')}</PageTitle>;
}

export const queuePages: readonly ConsolePage[] = [{ pattern: '/console/queue', roles: REVIEWERS, nav: 'queue', render: () => <Placeholder /> }];
