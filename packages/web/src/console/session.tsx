// Who is signed in, shared with every page: the user, their role, and the
// console's settings (the break prompt). Pages read it with useSession().

import { createContext, useContext } from 'react';
import type { Answer } from './api.ts';

export type Me = Answer<'/api/console/me', 'get'>;
export type Role = Me['user']['role'];

export interface Session {
  readonly me: Me;
  readonly signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in console');
  return session;
}

export function hasRole(me: Me, roles: readonly Role[]): boolean {
  return roles.includes(me.user.role);
}
