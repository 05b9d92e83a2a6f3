// Hotline staff accounts: one-time enrolment links (no default password),
// argon2id passwords, TOTP required for everyone (each code used once),
// sessions with idle and absolute timeouts, a pause after too many failed
// sign-ins (throttle/sign-in-guard.ts), and disabling that ends sessions at once.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { type SignInAttempt, SignInGuard } from '../throttle/sign-in-guard.ts';
import { appendAudit } from '../audit/audit.ts';
import { type Key, decrypt, encrypt } from '../crypto/envelope.ts';
import type { Database, Executor } from '../db/database.ts';
import { USER_ROLES, consoleSessions, enrolmentTokens, users } from '../db/schema.ts';
import { AppError } from '../errors.ts';

export type UserRole = (typeof USER_ROLES)[number];

export interface ConsoleUser {
  readonly id: string;
  readonly email: string;
  readonly role: UserRole;
}

export interface SessionInfo {
  readonly user: ConsoleUser;
  readonly csrfToken: string;
}

/** A sign-in's outcome: a session, refused (whatever was wrong, or the account does not exist), or paused until a time. */
export type LoginResult =
  | { readonly ok: true; readonly sessionId: string; readonly session: SessionInfo }
  | { readonly ok: false; readonly reason: 'refused' }
  | { readonly ok: false; readonly reason: 'paused'; readonly pausedUntil: Date };

/** How an address is compared: the form accounts are stored under, and the one their sign-in pause is keyed by. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const ENROLMENT_HOURS = 24;
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_ABSOLUTE_HOURS = 12;
export const MIN_PASSWORD_LENGTH = 12;
const TOTP_PERIOD_SECONDS = 30;

// (algorithm 2 is Argon2id; the package's enum is a const enum.)
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let dummyHash: Promise<string> | null = null;

const digest = (text: string) => createHash('sha256').update(text).digest('hex');
const token = () => randomBytes(32).toString('base64url');

function totpFor(email: string, secret: Secret): TOTP {
  return new TOTP({ issuer: 'Disrupt', label: email, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_SECONDS, secret });
}

/**
 * Locks the enabled admins (only those who can sign in, with `enrolledOnly`)
 * in id order, so that every transaction takes these locks in the same order,
 * and returns them as they stand once locked (a transaction that waited sees
 * what the one before it committed).
 */
async function lockAdmins(tx: Executor, { enrolledOnly }: { enrolledOnly: boolean }): Promise<{ id: string }[]> {
  return tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.disabledAt), enrolledOnly ? eq(users.enrolled, true) : undefined))
    .orderBy(asc(users.id))
    .for('update');
}

export class AccountService {
  private readonly now: () => Date;
  private readonly guard: SignInGuard;

  /** `guard`: the server passes the configured one; the default policy otherwise (the CLI only lifts pauses). */
  constructor(private readonly deps: { database: Database; masterKey: Key; guard?: SignInGuard; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
    this.guard = deps.guard ?? new SignInGuard({ database: deps.database, masterKey: deps.masterKey, now: this.now });
  }

  private get db() {
    return this.deps.database.db;
  }

  /** Creates an account and returns its one-time enrolment token (to put in a link). */
  async createUser(email: string, role: UserRole, actor: string): Promise<{ userId: string; enrolmentToken: string }> {
    const normalised = normaliseEmail(email);
    const userId = randomUUID();
    const enrolmentToken = token();
    await this.db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, normalised));
      if (existing) throw new AppError('conflict', 'an account with this email exists');
      await tx.insert(users).values({ id: userId, email: normalised, role, createdAt: this.now() });
      await tx.insert(enrolmentTokens).values({ tokenDigest: digest(enrolmentToken), userId, issuedBy: actor, expiresAt: new Date(this.now().getTime() + ENROLMENT_HOURS * 3_600_000) });
      await appendAudit(tx, { actor, action: 'user.create', subject: `user:${userId}`, detail: { role } }, this.now());
    });
    return { userId, enrolmentToken };
  }

  /** Whether any account exists (first start creates the first admin). */
  async hasUsers(): Promise<boolean> {
    const [row] = await this.db.select({ id: users.id }).from(users).limit(1);
    return row !== undefined;
  }

  private async userOfEnrolment(enrolmentToken: string) {
    const [row] = await this.db
      .select({ user: users, expiresAt: enrolmentTokens.expiresAt, usedAt: enrolmentTokens.usedAt })
      .from(enrolmentTokens)
      .innerJoin(users, eq(users.id, enrolmentTokens.userId))
      .where(eq(enrolmentTokens.tokenDigest, digest(enrolmentToken)));
    if (!row || row.usedAt || row.expiresAt < this.now() || row.user.disabledAt) throw new AppError('not_found', 'this enrolment link is not valid (used, expired or unknown)');
    return row.user;
  }

  /** Step 1: a fresh TOTP secret for the authenticator app (shown as a QR code by the console). */
  async startEnrolment(enrolmentToken: string): Promise<{ otpauthUrl: string; secret: string }> {
    const user = await this.userOfEnrolment(enrolmentToken);
    const secret = new Secret({ size: 20 });
    await this.db
      .update(users)
      // A new authenticator: no step of it has been used yet.
      .set({ totpSecretEnc: encrypt(this.deps.masterKey, new TextEncoder().encode(secret.base32), `totp:${user.id}`), totpLastStep: null })
      .where(eq(users.id, user.id));
    return { otpauthUrl: totpFor(user.email, secret).toString(), secret: secret.base32 };
  }

  /** Step 2: a password and a first code from the authenticator prove the enrolment. */
  async finishEnrolment(enrolmentToken: string, password: string, code: string): Promise<void> {
    const user = await this.userOfEnrolment(enrolmentToken);
    if (password.length < MIN_PASSWORD_LENGTH) throw new AppError('bad_request', `the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
    const step = this.totpStep(user, code);
    if (step === null) throw new AppError('bad_request', 'the code from the authenticator app is not right; try the next one');
    const passwordHash = await hash(password, ARGON2);
    await this.db.transaction(async (tx) => {
      // The account first, as renewEnrolment locks it (the same order: no
      // deadlock), and the authenticator must still be the one the code was
      // checked against: a second "start" on the same link in another tab
      // replaces it, and the person never scanned that one.
      const [current] = await tx.select({ totpSecretEnc: users.totpSecretEnc }).from(users).where(eq(users.id, user.id)).for('update');
      if (!current?.totpSecretEnc || !user.totpSecretEnc || !Buffer.from(current.totpSecretEnc).equals(Buffer.from(user.totpSecretEnc))) {
        throw new AppError('conflict', 'the authenticator changed while you enrolled (another window?); scan the new code and try again');
      }
      // Used once: of two finishes racing on the same link, the second finds it spent.
      const spent = await tx
        .update(enrolmentTokens)
        .set({ usedAt: this.now() })
        .where(and(eq(enrolmentTokens.tokenDigest, digest(enrolmentToken)), isNull(enrolmentTokens.usedAt)))
        .returning({ issuedBy: enrolmentTokens.issuedBy });
      const [link] = spent;
      if (!link) throw new AppError('not_found', 'this enrolment link is not valid (used, expired or unknown)');
      // The first code is spent too: it cannot sign in afterwards.
      await tx.update(users).set({ passwordHash, enrolled: true, totpLastStep: step }).where(eq(users.id, user.id));
      await this.guard.forget('console', user.email, tx);
      // Who made the link: an enrolment from a link someone else renewed is theirs to explain.
      await appendAudit(tx, { actor: `user:${user.id}`, action: 'user.enrol', subject: `user:${user.id}`, detail: { linkFrom: link.issuedBy } }, this.now());
    });
  }

  /**
   * The time step (30-second counter) of a code the authenticator could show
   * now (one step of clock drift either way), or null. Whether that step was
   * used already is the guarded update's to say, not this check's.
   */
  private totpStep(user: typeof users.$inferSelect, code: string): number | null {
    if (!user.totpSecretEnc || !/^\d{6}$/.test(code)) return null;
    const secret = decrypt(this.deps.masterKey, user.totpSecretEnc, `totp:${user.id}`);
    if (!secret) return null;
    const totp = totpFor(user.email, Secret.fromBase32(new TextDecoder().decode(secret)));
    const timestamp = this.now().getTime();
    const delta = totp.validate({ token: code, timestamp, window: 1 });
    return delta === null ? null : TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp }) + delta;
  }

  /**
   * Password + TOTP. Unknown account, wrong password, wrong or already used
   * code, disabled: all refused the same way, after an argon2 verification
   * each. After too many failures for one address, known or not, sign-in for
   * it is paused: every attempt is answered with the time the pause ends,
   * unchecked (no argon2, no TOTP step spent).
   */
  async login(email: string, password: string, code: string): Promise<LoginResult> {
    const address = normaliseEmail(email);
    const attempt = await this.guard.begin('console', address);
    if (!attempt.ok) return { ok: false, reason: 'paused', pausedUntil: attempt.pausedUntil };
    const [user] = await this.db.select().from(users).where(eq(users.email, address));
    const now = this.now();
    const usable = user && user.enrolled && !user.disabledAt && user.passwordHash ? user : null;
    dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON2);
    const passwordOk = await verify(usable?.passwordHash ?? (await dummyHash), password).catch(() => false);
    const step = usable && passwordOk ? this.totpStep(usable, code) : null;
    const opened = usable && step !== null ? await this.openSession(usable, step, attempt, now) : null;
    if (opened) return { ok: true, ...opened };
    if (user) {
      await this.db.transaction((tx) =>
        appendAudit(tx, { actor: `user:${user.id}`, action: 'login.failed', detail: { failures: attempt.failures, paused: attempt.pausedIfFails !== null } }, now),
      );
    }
    return attempt.pausedIfFails ? { ok: false, reason: 'paused', pausedUntil: attempt.pausedIfFails } : { ok: false, reason: 'refused' };
  }

  /**
   * The session of a sign-in whose password and code were right, or null when
   * the code's step is not newer than the last one accepted: a code is used
   * once. The guarded update decides, so of two requests sending the same
   * code at once exactly one gets through (the other waits for its row lock,
   * then finds the step spent).
   */
  private async openSession(user: typeof users.$inferSelect, step: number, attempt: Extract<SignInAttempt, { ok: true }>, now: Date): Promise<{ sessionId: string; session: SessionInfo } | null> {
    const sessionId = token();
    const csrfToken = token();
    const opened = await this.db.transaction(async (tx) => {
      const spent = await tx
        .update(users)
        .set({ totpLastStep: step })
        // …and the account is still the one whose password and code were checked: a reset or a disable that
        // committed meanwhile (password removed, authenticator cleared) must not be followed by a session.
        .where(
          and(
            eq(users.id, user.id),
            or(isNull(users.totpLastStep), lt(users.totpLastStep, step)),
            eq(users.enrolled, true),
            isNull(users.disabledAt),
            user.passwordHash === null ? sql`false` : eq(users.passwordHash, user.passwordHash),
          ),
        )
        .returning({ id: users.id });
      if (spent.length === 0) return false;
      await this.guard.succeeded(attempt, tx);
      await tx.delete(consoleSessions).where(and(eq(consoleSessions.userId, user.id), lt(consoleSessions.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MINUTES * 60_000))));
      await tx.insert(consoleSessions).values({ idDigest: digest(sessionId), userId: user.id, csrfToken, createdAt: now, lastSeenAt: now });
      await appendAudit(tx, { actor: `user:${user.id}`, action: 'login', subject: `user:${user.id}` }, now);
      return true;
    });
    return opened ? { sessionId, session: { user: { id: user.id, email: user.email, role: user.role }, csrfToken } } : null;
  }

  /** The session behind a cookie value, touched; null when unknown, idle, too old or the user is disabled. */
  async session(sessionId: string): Promise<SessionInfo | null> {
    const [row] = await this.db
      .select({ session: consoleSessions, user: users })
      .from(consoleSessions)
      .innerJoin(users, eq(users.id, consoleSessions.userId))
      .where(eq(consoleSessions.idDigest, digest(sessionId)));
    const now = this.now();
    if (!row || row.user.disabledAt) return null;
    const idle = now.getTime() - row.session.lastSeenAt.getTime() > SESSION_IDLE_MINUTES * 60_000;
    const old = now.getTime() - row.session.createdAt.getTime() > SESSION_ABSOLUTE_HOURS * 3_600_000;
    if (idle || old) {
      await this.db.delete(consoleSessions).where(eq(consoleSessions.idDigest, row.session.idDigest));
      return null;
    }
    await this.db.update(consoleSessions).set({ lastSeenAt: now }).where(eq(consoleSessions.idDigest, row.session.idDigest));
    return { user: { id: row.user.id, email: row.user.email, role: row.user.role }, csrfToken: row.session.csrfToken };
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.delete(consoleSessions).where(eq(consoleSessions.idDigest, digest(sessionId)));
  }

  /** Every account; for one not enrolled, when its newest link expires (a past time: the invitation lapsed and needs a new link). */
  async listUsers(): Promise<{ id: string; email: string; role: UserRole; enrolled: boolean; disabled: boolean; enrolmentExpiresAt: string | null }[]> {
    const rows = await this.db.select().from(users).orderBy(users.email);
    const links = await this.db.select({ userId: enrolmentTokens.userId, expiresAt: enrolmentTokens.expiresAt }).from(enrolmentTokens).where(isNull(enrolmentTokens.usedAt));
    const expiry = new Map<string, Date>();
    for (const link of links) if ((expiry.get(link.userId) ?? 0) < link.expiresAt) expiry.set(link.userId, link.expiresAt);
    return rows.map((u) => ({
      id: u.id,
      email: u.email,
      role: u.role,
      enrolled: u.enrolled,
      disabled: u.disabledAt !== null,
      enrolmentExpiresAt: u.enrolled ? null : (expiry.get(u.id)?.toISOString() ?? null),
    }));
  }

  /**
   * A new one-time enrolment link for an account: to renew an invitation that
   * lapsed, or to let someone back in who lost their authenticator or forgot
   * their password (there is no self-service reset: a stolen mailbox must not
   * open the console). Their password and authenticator are removed, their
   * sessions end and any earlier link stops working, all at once; until they
   * enrol again they cannot sign in. Not for one's own account (it would lock
   * oneself out) nor for a disabled one (enable it first). The command line
   * (`disrupt admin reset`) is how a hotline whose only admin lost their phone
   * gets back in.
   */
  async renewEnrolment(target: { userId: string } | { email: string }, actor: string): Promise<{ userId: string; email: string; enrolmentToken: string }> {
    const enrolmentToken = token();
    const now = this.now();
    const user = await this.db.transaction(async (tx) => {
      const where = 'userId' in target ? eq(users.id, target.userId) : eq(users.email, normaliseEmail(target.email));
      const columns = { id: users.id, email: users.email, role: users.role, enrolled: users.enrolled, disabledAt: users.disabledAt };
      const [seen] = await tx.select(columns).from(users).where(where);
      if (!seen) throw new AppError('not_found', 'no such account');
      // From the console, an admin who can sign in must remain: two admins
      // resetting each other at once would leave none (the command line can
      // always reset: it is how a hotline gets back in). Every such admin is
      // locked, in id order, before the account itself: two resets that lock
      // in the same order wait for each other instead of deadlocking.
      const guarded = seen.role === 'admin' && actor.startsWith('user:');
      const admins = guarded ? await lockAdmins(tx, { enrolledOnly: true }) : [];
      const [found] = await tx.select(columns).from(users).where(eq(users.id, seen.id)).for('update');
      if (!found) throw new AppError('not_found', 'no such account');
      if (actor === `user:${found.id}`) throw new AppError('not_permitted', 'you cannot reset your own access; ask another admin');
      if (found.disabledAt) throw new AppError('conflict', 'this account is disabled; enable it first');
      if (guarded && found.role === 'admin' && found.enrolled && !admins.some((admin) => admin.id !== found.id)) {
        throw new AppError('conflict', 'this is the last admin who can sign in; use `disrupt admin reset` on the server instead');
      }
      await tx.update(users).set({ passwordHash: null, totpSecretEnc: null, totpLastStep: null, enrolled: false }).where(eq(users.id, found.id));
      // Someone paused out by mistypes gets back in with the new link.
      await this.guard.forget('console', found.email, tx);
      await tx.delete(consoleSessions).where(eq(consoleSessions.userId, found.id));
      await tx.delete(enrolmentTokens).where(and(eq(enrolmentTokens.userId, found.id), isNull(enrolmentTokens.usedAt)));
      await tx.insert(enrolmentTokens).values({ tokenDigest: digest(enrolmentToken), userId: found.id, issuedBy: actor, expiresAt: new Date(now.getTime() + ENROLMENT_HOURS * 3_600_000) });
      await appendAudit(tx, { actor, action: 'user.enrolment_renewed', subject: `user:${found.id}`, detail: { wasEnrolled: found.enrolled } }, now);
      return found;
    });
    return { userId: user.id, email: user.email, enrolmentToken };
  }

  /**
   * Changes a role or disables an account (never one's own); disabling ends
   * its sessions at once. The last enabled admin cannot be disabled or
   * demoted: the enabled admins' rows are locked first, so two admins
   * disabling each other at the same moment cannot both succeed.
   */
  async updateUser(userId: string, change: { role?: UserRole; disabled?: boolean }, actor: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [user] = await tx.select({ id: users.id, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId));
      if (!user) throw new AppError('not_found');
      // An admin who disabled or demoted themselves could leave the hotline
      // with no admin at all; another admin has to do it.
      if (actor === `user:${userId}` && (change.disabled === true || (change.role !== undefined && change.role !== user.role))) {
        throw new AppError('not_permitted', 'you cannot disable your own account or change your own role');
      }
      const removesAnAdmin = user.role === 'admin' && user.disabledAt === null && (change.disabled === true || (change.role !== undefined && change.role !== 'admin'));
      if (removesAnAdmin) {
        // All of them, the target too: two transactions each locking only "the others" would not meet.
        const admins = await lockAdmins(tx, { enrolledOnly: false });
        if (!admins.some((admin) => admin.id !== userId)) throw new AppError('conflict', 'this is the last enabled admin account; make another admin first');
      }
      if (change.role && change.role !== user.role) {
        await tx.update(users).set({ role: change.role }).where(eq(users.id, userId));
        await appendAudit(tx, { actor, action: 'user.role', subject: `user:${userId}`, detail: { from: user.role, to: change.role } }, this.now());
      }
      if (change.disabled !== undefined) {
        await tx.update(users).set({ disabledAt: change.disabled ? this.now() : null }).where(eq(users.id, userId));
        if (change.disabled) await tx.delete(consoleSessions).where(eq(consoleSessions.userId, userId));
        await appendAudit(tx, { actor, action: change.disabled ? 'user.disable' : 'user.enable', subject: `user:${userId}` }, this.now());
      }
    });
  }
}
