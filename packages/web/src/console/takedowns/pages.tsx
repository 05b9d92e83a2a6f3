// The takedowns area's pages: the URLs being taken down across cases, a
// case's URLs with notices, re-checks and removal, and the escalations to the
// authorities. Analysts and supervisors (the server decides again).
import { type ConsolePage, REVIEWERS } from '../page.ts';
import { CaseTakedownsPage } from './case.tsx';
import { EscalationsPage } from './escalations.tsx';
import { TakedownsPage } from './list.tsx';
import './takedowns.css';

export { caseTakedownsPath } from './shared.tsx';

export const takedownPages: readonly ConsolePage[] = [
  { pattern: '/console/takedowns', roles: REVIEWERS, nav: 'takedowns', render: () => <TakedownsPage /> },
  { pattern: '/console/escalations', roles: REVIEWERS, nav: 'escalations', render: () => <EscalationsPage /> },
  { pattern: '/console/cases/:caseId/takedowns', roles: REVIEWERS, render: ({ caseId = '' }) => <CaseTakedownsPage key={caseId} caseId={caseId} /> },
];
