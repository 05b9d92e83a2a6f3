// Oversight pages for admins: the audit log, the portal's helplines, and a
// partner's webhooks (reached from the partners page).
import { ADMINS, type ConsolePage } from '../page.ts';
import { AuditPage } from './audit-page.tsx';
import { HelplinesPage } from './helplines-page.tsx';
import { WebhooksPage } from './webhooks-page.tsx';

export const oversightPages: readonly ConsolePage[] = [
  { pattern: '/console/admin/helplines', roles: ADMINS, nav: 'helplines', render: () => <HelplinesPage /> },
  { pattern: '/console/admin/audit', roles: ADMINS, nav: 'audit', render: () => <AuditPage /> },
  { pattern: '/console/admin/partners/:id/webhooks', roles: ADMINS, render: ({ id }) => <WebhooksPage partnerId={id ?? ''} /> },
];
