// What an area of the console declares for each of its pages: the path
// pattern, the roles that may open it (the server decides access to the data
// again; this only keeps the menu honest), and the menu entry, if any.

import type { ReactNode } from 'react';
import type { Role } from './session.tsx';

export type NavKey = 'queue' | 'takedowns' | 'escalations' | 'stats' | 'users' | 'partners' | 'hosts' | 'negativeBank' | 'bankReviews' | 'helplines' | 'audit';

export interface ConsolePage {
  /** e.g. `/console/items/:id` */
  readonly pattern: string;
  readonly roles: readonly Role[];
  /** The menu entry (pages without one are reached from other pages). */
  readonly nav?: NavKey;
  readonly render: (params: Record<string, string>) => ReactNode;
}

export const REVIEWERS: readonly Role[] = ['analyst', 'supervisor'];
export const SUPERVISORS: readonly Role[] = ['supervisor', 'admin'];
export const ADMINS: readonly Role[] = ['admin'];
