// The stats area's pages (to be built).
import { useTranslation } from 'react-i18next';
import { type ConsolePage, SUPERVISORS } from '../page.ts';
import { PageTitle } from '../ui.tsx';

function Placeholder() {
  const { t } = useTranslation('stats');
  return <PageTitle title={t('title')}>{t('title')}</PageTitle>;
}

export const statsPages: readonly ConsolePage[] = [{ pattern: '/console/stats', roles: SUPERVISORS, nav: 'stats', render: () => <Placeholder /> }];
