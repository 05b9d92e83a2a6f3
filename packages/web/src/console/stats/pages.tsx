// The statistics page, for supervisors and admins. Loaded on demand: the
// charting library is the console's largest dependency and only this page
// needs it.
import { Suspense, lazy } from 'react';
import { type ConsolePage, SUPERVISORS } from '../page.ts';
import { Loading } from '../ui.tsx';

const StatsPage = lazy(async () => ({ default: (await import('./stats-page.tsx')).StatsPage }));

export const statsPages: readonly ConsolePage[] = [
  {
    pattern: '/console/stats',
    roles: SUPERVISORS,
    nav: 'stats',
    render: () => (
      <Suspense fallback={<Loading />}>
        <StatsPage />
      </Suspense>
    ),
  },
];
