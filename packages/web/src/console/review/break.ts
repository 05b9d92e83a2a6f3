// When to suggest a break: after a number of revealed originals, or minutes of
// continuous review, since the last break (or the last "continue"). The
// thresholds are the hotline's (server settings, in /api/console/me); the
// progress is kept in this tab's sessionStorage so moving between items or
// reloading does not reset it, and nothing outlives the browser session.

import type { Me } from '../session.tsx';

/** A gap this long away from review pages counts as a pause: a new stretch starts. */
const IDLE_RESETS_AFTER_MS = 10 * 60_000;

export interface BreakSettings {
  readonly afterReveals: number;
  readonly afterMinutes: number;
}

export function breakSettings(me: Me): BreakSettings {
  return { afterReveals: me.settings.breakAfterReveals, afterMinutes: me.settings.breakAfterMinutes };
}

/** Today's reveals as /api/console/me reported them at sign-in. */
export function settingsRevealsToday(me: Me): number {
  return me.settings.revealsToday;
}

interface Stretch {
  /** The UTC day the counts belong to (the server counts reveals per UTC day). */
  readonly day: string;
  /** Reveals today when the stretch began. */
  readonly revealsAtStart: number;
  readonly startedAt: number;
  readonly seenAt: number;
}

const KEY = 'disrupt.console.review-stretch';

const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

function load(): Stretch | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    return raw === null ? null : (JSON.parse(raw) as Stretch);
  } catch {
    return null;
  }
}

function save(stretch: Stretch): void {
  window.sessionStorage.setItem(KEY, JSON.stringify(stretch));
}

/** Marks the analyst as reviewing now; starts a stretch if none is running. */
export function noteReviewing(now: number, revealsToday: number | null): Stretch {
  const current = load();
  const fresh = current === null || current.day !== utcDay(now) || now - current.seenAt > IDLE_RESETS_AFTER_MS;
  const stretch: Stretch = fresh ? { day: utcDay(now), revealsAtStart: current?.day === utcDay(now) ? (revealsToday ?? 0) : 0, startedAt: now, seenAt: now } : { ...current, seenAt: now };
  save(stretch);
  return stretch;
}

export type BreakDue = { readonly reason: 'reveals' | 'minutes'; readonly count: number } | null;

/** Whether to suggest a break now. */
export function breakDue(settings: BreakSettings, revealsToday: number | null, now: number): BreakDue {
  const stretch = load();
  if (stretch === null) return null;
  const reveals = stretch.day === utcDay(now) ? (revealsToday ?? 0) - stretch.revealsAtStart : 0;
  if (reveals >= settings.afterReveals) return { reason: 'reveals', count: reveals };
  const minutes = Math.floor((now - stretch.startedAt) / 60_000);
  if (minutes >= settings.afterMinutes) return { reason: 'minutes', count: minutes };
  return null;
}

/** After "continue" or a break: a new stretch from now. */
export function restartStretch(now: number, revealsToday: number | null): void {
  save({ day: utcDay(now), revealsAtStart: revealsToday ?? 0, startedAt: now, seenAt: now });
}
