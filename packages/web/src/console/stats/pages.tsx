// The statistics page, for supervisors and admins.
import { type ConsolePage, SUPERVISORS } from '../page.ts';
import { StatsPage } from './stats-page.tsx';

export const statsPages: readonly ConsolePage[] = [{ pattern: '/console/stats', roles: SUPERVISORS, nav: 'stats', render: () => <StatsPage /> }];
