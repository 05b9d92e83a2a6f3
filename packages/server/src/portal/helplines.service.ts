// The helplines the victim portal shows: the list an admin saved in the
// console once there is one, otherwise the configuration's (DISRUPT_HELPLINES,
// or France's lines). A hotline changes a phone number from the console, with
// an audit entry, instead of redeploying with a new environment.

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../audit/audit.ts';
import { type Helpline, MAX_HELPLINES, helplineSchema } from '../config.ts';
import type { Database } from '../db/database.ts';
import { consoleSettings } from '../db/schema.ts';

const SETTING = 'helplines';

/**
 * A helpline as the console edits it: the configuration's shape, but links
 * https only — the portal shows them to people in distress, and a plain-http
 * link can be rewritten on the way.
 */
export const editableHelplineSchema = helplineSchema.extend({ url: z.url({ protocol: /^https$/ }).max(500).optional() }).strict();
export const editableHelplinesSchema = z.array(editableHelplineSchema).max(MAX_HELPLINES);
export type EditableHelpline = z.infer<typeof editableHelplineSchema>;

export type HelplineSource = 'console' | 'config';

export class HelplineService {
  constructor(private readonly deps: { readonly database: Database; readonly configured: readonly Helpline[] }) {}

  /** The list the portal shows now, and where it comes from. */
  async current(): Promise<{ helplines: Helpline[]; source: HelplineSource }> {
    const [row] = await this.deps.database.db.select({ value: consoleSettings.value }).from(consoleSettings).where(eq(consoleSettings.key, SETTING));
    // Written only through replace(), so it parses; should it not (a hand-edited row), the configured list is the safe answer.
    const saved = row ? editableHelplinesSchema.safeParse(row.value) : null;
    if (saved?.success) return { helplines: saved.data as Helpline[], source: 'console' };
    return { helplines: [...this.deps.configured], source: 'config' };
  }

  /** Replaces the whole list (validated by the route); audited with the count only. */
  async replace(helplines: readonly EditableHelpline[], actor: string): Promise<void> {
    const value = editableHelplinesSchema.parse(helplines);
    const now = new Date();
    await this.deps.database.db.transaction(async (tx) => {
      await tx
        .insert(consoleSettings)
        .values({ key: SETTING, value, updatedAt: now, updatedBy: actor })
        .onConflictDoUpdate({ target: consoleSettings.key, set: { value, updatedAt: now, updatedBy: actor } });
      await appendAudit(tx, { actor, action: 'helplines.update', subject: `setting:${SETTING}`, detail: { count: value.length } }, now);
    });
  }
}
