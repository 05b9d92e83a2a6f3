// The admin area's pages (to be built).
import { useTranslation } from 'react-i18next';
import { type ConsolePage, ADMINS } from '../page.ts';
import { PageTitle } from '../ui.tsx';

function Placeholder() {
  const { t } = useTranslation('admin');
  return <PageTitle title={t('title')}>{t('title')}</PageTitle>;
}

export const adminPages: readonly ConsolePage[] = [{ pattern: '/console/admin/users', roles: ADMINS, nav: 'users', render: () => <Placeholder /> }];
