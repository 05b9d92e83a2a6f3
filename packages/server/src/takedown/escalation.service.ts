// Escalation to the authorities (PHAROS in France, NCMEC in the US, the
// police) of content depicting minors. The hotline sends a package — the
// URLs, the hashes and the analysts' decisions, never the media or the
// victim's contact — and records it with our reference and, when they give
// one, the authority's. The package is kept as sent, encrypted under the
// case's key, so that it can be produced again and shown unchanged (its
// digest), and so that a withdrawal shreds it like everything else.

import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import { appendAudit } from '../audit/audit.ts';
import { entriesOfItems } from '../bank/bank.repository.ts';
import { newReference } from '../cases/credentials.ts';
import { type Key, decrypt, encrypt, unwrapKey } from '../crypto/envelope.ts';
import type { Database } from '../db/database.ts';
import { AUTHORITIES, caseItems, cases, escalations, itemEvents, notices } from '../db/schema.ts';
import { AppError } from '../errors.ts';

export type Authority = (typeof AUTHORITIES)[number];

export interface EscalationView {
  readonly id: string;
  readonly reference: string;
  readonly caseId: string;
  readonly authority: Authority;
  readonly authorityReference: string | null;
  readonly packageDigest: string;
  readonly itemCount: number;
  readonly createdAt: string;
}

/** The package's format, versioned so that a receiving system can tell what it reads. */
export interface EscalationPackage {
  readonly format: 'disrupt-escalation/1';
  readonly reference: string;
  readonly authority: Authority;
  readonly createdAt: string;
  readonly hotline: { readonly name: string; readonly email: string };
  readonly case: { readonly id: string; readonly reportedAt: string; readonly situation: string; readonly ageGroup: string; readonly aiGenerated: string };
  readonly items: readonly {
    readonly id: string;
    readonly kind: string;
    readonly url: string | null;
    readonly host: string | null;
    /** Null: not reviewed yet (e.g. fingerprints sent without the media). */
    readonly decision: string | null;
    readonly aiGenerated: boolean | null;
    readonly decidedAt: string | null;
    readonly noticesSent: readonly { readonly reference: string; readonly sentAt: string }[];
    readonly removedAt: string | null;
    readonly hashes: readonly { readonly signalType: string; readonly value: string; readonly verified: boolean }[];
  }[];
}

/** The decisions whose items an escalation carries (with the undecided ones): everything not rejected. */
export const ESCALATED = ['ncii_minor', 'ncii_adult', 'duplicate'] as const;

function view(row: typeof escalations.$inferSelect): EscalationView {
  return {
    id: row.id,
    reference: row.reference,
    caseId: row.caseId,
    authority: row.authority,
    authorityReference: row.authorityReference,
    packageDigest: row.packageDigest,
    itemCount: row.itemCount,
    createdAt: row.createdAt.toISOString(),
  };
}

export class EscalationService {
  private readonly now: () => Date;

  constructor(private readonly deps: { database: Database; masterKey: Key; hotline: { name: string; email: string }; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Builds and records a package for a case about a minor (reported as one,
   * or an item an analyst decided `ncii_minor`): every item not rejected,
   * with its URL, hashes and decision. The items' histories show it.
   */
  async create(caseId: string, userId: string, input: { authority: Authority; authorityReference?: string | undefined }): Promise<{ escalation: EscalationView; package: EscalationPackage }> {
    const now = this.now();
    return this.deps.database.db.transaction(async (tx) => {
      const [row] = await tx.select().from(cases).where(eq(cases.id, caseId)).for('update');
      if (!row?.wrappedKey || row.status !== 'open') throw new AppError('not_found');
      // Everything not rejected: accepted items, and those still waiting (the
      // authority sees the decision, or its absence, for each).
      const items = await tx
        .select()
        .from(caseItems)
        .where(and(eq(caseItems.caseId, caseId), or(isNull(caseItems.decision), inArray(caseItems.decision, [...ESCALATED]))))
        .orderBy(asc(caseItems.position));
      const aboutMinor = row.ageGroup === 'minor' || items.some((i) => i.decision === 'ncii_minor');
      if (!aboutMinor) throw new AppError('conflict', 'escalation is for content of minors');
      if (items.length === 0) throw new AppError('conflict', 'nothing to escalate in this case');
      const ids = items.map((i) => i.id);
      const hashes = await entriesOfItems(tx, ids);
      const sent = await tx
        .select({ itemId: notices.itemId, reference: notices.reference, sentAt: notices.sentAt })
        .from(notices)
        .where(and(inArray(notices.itemId, ids), isNotNull(notices.sentAt)))
        .orderBy(asc(notices.sentAt));

      const id = randomUUID();
      const reference = newReference('ESC');
      const pkg: EscalationPackage = {
        format: 'disrupt-escalation/1',
        reference,
        authority: input.authority,
        createdAt: now.toISOString(),
        hotline: this.deps.hotline,
        case: { id: row.id, reportedAt: row.createdAt.toISOString(), situation: row.situation, ageGroup: row.ageGroup, aiGenerated: row.aiGenerated },
        items: items.map((i) => ({
          id: i.id,
          kind: i.kind,
          url: i.url,
          host: i.host,
          decision: i.decision,
          aiGenerated: i.decisionAiGenerated,
          decidedAt: i.decidedAt?.toISOString() ?? null,
          noticesSent: sent.filter((n) => n.itemId === i.id).map((n) => ({ reference: n.reference, sentAt: n.sentAt!.toISOString() })),
          removedAt: i.removedAt?.toISOString() ?? null,
          hashes: (hashes.get(i.id) ?? []).map((e) => ({ signalType: e.signalType, value: e.value, verified: e.verified })),
        })),
      };
      const json = JSON.stringify(pkg);
      const dataKey = unwrapKey(this.deps.masterKey, row.wrappedKey, row.id);
      if (!dataKey) throw new AppError('internal');
      const [inserted] = await tx
        .insert(escalations)
        .values({
          id,
          reference,
          caseId,
          authority: input.authority,
          authorityReference: input.authorityReference ?? null,
          packageDigest: createHash('sha256').update(json).digest('hex'),
          packageEnc: encrypt(dataKey, new TextEncoder().encode(json), `escalation:${id}`),
          itemCount: items.length,
          createdBy: userId,
          createdAt: now,
        })
        .returning();
      // The step shows in each item's history; the current status keeps a removal or a withdrawal.
      await tx.insert(itemEvents).values(ids.map((itemId) => ({ itemId, status: 'escalated' as const, at: now })));
      const movable = items.filter((i) => i.status !== 'removed' && i.status !== 'withdrawn').map((i) => i.id);
      if (movable.length > 0) await tx.update(caseItems).set({ status: 'escalated', updatedAt: now }).where(inArray(caseItems.id, movable));
      await appendAudit(tx, { actor: `user:${userId}`, action: 'escalation.create', subject: `case:${caseId}`, detail: { escalation: id, authority: input.authority, items: items.length } }, now);
      return { escalation: view(inserted!), package: pkg };
    });
  }

  async list(caseId: string): Promise<EscalationView[]> {
    const [known] = await this.deps.database.db.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId));
    if (!known) throw new AppError('not_found');
    const rows = await this.deps.database.db.select().from(escalations).where(eq(escalations.caseId, caseId)).orderBy(asc(escalations.createdAt));
    return rows.map(view);
  }

  /** The authority answered with its own reference number. */
  async setAuthorityReference(id: string, userId: string, authorityReference: string): Promise<EscalationView> {
    const now = this.now();
    return this.deps.database.db.transaction(async (tx) => {
      const [row] = await tx.update(escalations).set({ authorityReference }).where(eq(escalations.id, id)).returning();
      if (!row) throw new AppError('not_found');
      await appendAudit(tx, { actor: `user:${userId}`, action: 'escalation.reference', subject: `case:${row.caseId}`, detail: { escalation: id } }, now);
      return view(row);
    });
  }

  /** The package exactly as it was sent (audited as an export); gone once the case is withdrawn. */
  async package(id: string, userId: string): Promise<{ json: string; digest: string; reference: string }> {
    const db = this.deps.database.db;
    const [row] = await db
      .select({ escalation: escalations, wrappedKey: cases.wrappedKey })
      .from(escalations)
      .innerJoin(cases, eq(cases.id, escalations.caseId))
      .where(eq(escalations.id, id));
    const dataKey = row?.wrappedKey ? unwrapKey(this.deps.masterKey, row.wrappedKey, row.escalation.caseId) : null;
    const bytes = dataKey && row?.escalation.packageEnc ? decrypt(dataKey, row.escalation.packageEnc, `escalation:${id}`) : null;
    if (!row || !bytes) throw new AppError('not_found');
    await db.transaction((tx) => appendAudit(tx, { actor: `user:${userId}`, action: 'escalation.export', subject: `case:${row.escalation.caseId}`, detail: { escalation: id } }, this.now()));
    return { json: new TextDecoder().decode(bytes), digest: row.escalation.packageDigest, reference: row.escalation.reference };
  }
}
