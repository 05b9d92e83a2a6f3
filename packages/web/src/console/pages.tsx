// Every page of the console, in menu order. Each area lists its own pages.
import { adminPages } from './admin/pages.tsx';
import { oversightPages } from './oversight/pages.tsx';
import type { ConsolePage } from './page.ts';
import { matchPath } from './router.ts';
import { queuePages } from './queue/pages.tsx';
import { reviewPages } from './review/pages.tsx';
import type { Me } from './session.tsx';
import { statsPages } from './stats/pages.tsx';
import { takedownPages } from './takedowns/pages.tsx';

export const PAGES: readonly ConsolePage[] = [...queuePages, ...reviewPages, ...takedownPages, ...statsPages, ...adminPages, ...oversightPages];

/** Where a user lands after signing in: the first menu page their role may open. */
export function homeOf(me: Me): string {
  return PAGES.find((page) => page.nav !== undefined && page.roles.includes(me.user.role))?.pattern ?? '/console';
}

export function findPage(path: string): { page: ConsolePage; params: Record<string, string> } | null {
  for (const page of PAGES) {
    const params = matchPath(page.pattern, path);
    if (params !== null) return { page, params };
  }
  return null;
}
