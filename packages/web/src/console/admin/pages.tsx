// The admin area's pages, in menu order. Who may open each matches the roles
// its routes admit on the server (which decides again for every request).
import { type ConsolePage, ADMINS, REVIEWERS, SUPERVISORS } from '../page.ts';
import './admin.css';
import { BankReviewsPage } from './bank-reviews.tsx';
import { HostsPage } from './hosts.tsx';
import { NegativeBankPage } from './negative-bank.tsx';
import { PartnersPage } from './partners.tsx';
import { UsersPage } from './users.tsx';

export const adminPages: readonly ConsolePage[] = [
  { pattern: '/console/admin/users', roles: ADMINS, nav: 'users', render: () => <UsersPage /> },
  { pattern: '/console/admin/partners', roles: ADMINS, nav: 'partners', render: () => <PartnersPage /> },
  { pattern: '/console/admin/hosts', roles: SUPERVISORS, nav: 'hosts', render: () => <HostsPage /> },
  { pattern: '/console/admin/negative-bank', roles: ADMINS, nav: 'negativeBank', render: () => <NegativeBankPage /> },
  // The held-hash decisions belong to the reviewers (GET/POST /api/console/bank-reviews admit analysts and supervisors).
  { pattern: '/console/admin/bank-reviews', roles: REVIEWERS, nav: 'bankReviews', render: () => <BankReviewsPage /> },
];
