// The takedowns area's pages (to be built).
import { useTranslation } from 'react-i18next';
import { type ConsolePage, REVIEWERS } from '../page.ts';
import { PageTitle } from '../ui.tsx';

function Placeholder() {
  const { t } = useTranslation('takedowns');
  return <PageTitle title={t('title')}>{t('title')}</PageTitle>;
}

export const takedownPages: readonly ConsolePage[] = [{ pattern: '/console/takedowns', roles: REVIEWERS, nav: 'takedowns', render: () => <Placeholder /> }];
