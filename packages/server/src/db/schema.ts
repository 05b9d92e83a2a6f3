// The system of record. Same schema on PGlite (embedded) and PostgreSQL 15+.
//
// Privacy shapes the columns: a victim's contact and description are stored
// only encrypted under the case's data key (wrapped by the master key), the
// case secret only as an argon2id hash, and nothing about the victim's
// device or network (no IP, no user agent) exists anywhere in it.
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, customType, index, integer, jsonb, pgSequence, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const cases = pgTable('cases', {
  id: uuid('id').primaryKey(),
  /** Read aloud on the phone to a hotline: DSR-XXXX-XXXX, unambiguous letters only. */
  number: text('number').notNull().unique(),
  /** argon2id of the secret; the secret itself is shown once and never stored. */
  secretHash: text('secret_hash').notNull(),
  situation: text('situation', { enum: ['online', 'at_risk'] }).notNull(),
  ageGroup: text('age_group', { enum: ['minor', 'adult', 'unsure'] }).notNull(),
  aiGenerated: text('ai_generated', { enum: ['yes', 'no', 'unsure'] }).notNull(),
  language: text('language', { enum: ['fr', 'en'] }).notNull(),
  /** The case's data key, wrapped by the master key; erased on withdrawal (crypto-shredding). */
  wrappedKey: bytea('wrapped_key'),
  descriptionEnc: bytea('description_enc'),
  contactEnc: bytea('contact_enc'),
  status: text('status', { enum: ['open', 'withdrawn'] }).notNull().default('open'),
  // failed_attempts and locked_until are still in the table, unused since
  // 0011 (sign_in_guards counts failures for known and unknown case numbers alike).
  createdAt: createdAt(),
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true, mode: 'date' }),
});

export const victimSessions = pgTable(
  'victim_sessions',
  {
    /** SHA-256 of the bearer token; the token itself is only in the victim's browser. */
    tokenDigest: text('token_digest').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('victim_sessions_case_idx').on(t.caseId)],
);

/** A URL where the content is online, or a file fingerprinted on the victim's device. */
export const ITEM_KINDS = ['url', 'photo', 'video'] as const;
/** The analysts' fixed taxonomy. */
export const DECISIONS = ['ncii_adult', 'ncii_minor', 'not_intimate', 'not_actionable', 'duplicate'] as const;
export const NOT_ACTIONABLE_REASONS = ['content_not_found', 'not_the_reporter', 'insufficient_information', 'out_of_scope'] as const;

export const ITEM_STATUSES = ['received', 'in_review', 'hashed', 'shared', 'notified', 'removed', 'escalated', 'not_actionable', 'withdrawn', 'partner_blocked'] as const;

export const caseItems = pgTable(
  'case_items',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    /** Order of arrival within the case (1, 2, …): stable paging for hundreds of items. */
    position: integer('position').notNull(),
    kind: text('kind', { enum: ITEM_KINDS }).notNull(),
    /** Normalised URL (url items); erased on withdrawal. */
    url: text('url'),
    /** The URL's host, kept after withdrawal for statistics. */
    host: text('host'),
    /** Dedupe key within the case: SHA-256 of the normalised URL or of the file's main hash. */
    dedupeDigest: text('dedupe_digest').notNull(),
    status: text('status', { enum: ITEM_STATUSES }).notNull(),
    /** The analyst holding the item for review, until the claim expires. */
    claimedBy: uuid('claimed_by').references(() => users.id),
    claimExpiresAt: timestamp('claim_expires_at', { withTimezone: true, mode: 'date' }),
    decision: text('decision', { enum: DECISIONS }),
    decisionAiGenerated: boolean('decision_ai_generated'),
    /** For `not_actionable`: a reason code from a fixed list, never free text about the content. */
    decisionReason: text('decision_reason'),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    /**
     * A file that matched a verified bank entry on arrival: it is decided
     * `duplicate` by the system (never shown to an analyst) when the review
     * queue reaches it, not before — the case sees the same steps, at the
     * same pace, as for any file (no oracle: see `ReviewService.claimNext`).
     */
    autoDuplicate: boolean('auto_duplicate').notNull().default(false),
    /** URLs: when the first takedown notice went out, and when a re-check (or an analyst) found the content gone. */
    notifiedAt: timestamp('notified_at', { withTimezone: true, mode: 'date' }),
    removedAt: timestamp('removed_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('case_items_queue_idx').on(t.decision, t.createdAt),
    uniqueIndex('case_items_position_idx').on(t.caseId, t.position),
    uniqueIndex('case_items_dedupe_idx').on(t.caseId, t.kind, t.dedupeDigest),
  ],
);

export const itemEvents = pgTable(
  'item_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => caseItems.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ITEM_STATUSES }).notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('item_events_item_idx').on(t.itemId)],
);

/**
 * The change sequence of the bank. Every change to an entry takes the next
 * number, under a transaction-scoped advisory lock, so that numbers are
 * committed in order: a partner syncing "after N" can never miss a change
 * that commits late with a smaller number.
 */
export const bankSeq = pgSequence('bank_seq', { startWith: 1 });

export const BANK_STATUSES = ['active', 'withdrawn', 'deleted', 'quarantined'] as const;
export const SIGNAL_TYPES = ['pdq', 'md5', 'vpdq'] as const;

export const bankEntries = pgTable(
  'bank_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    signalType: text('signal_type', { enum: SIGNAL_TYPES }).notNull(),
    /** Canonical text of the signal (vPDQ: one frame a line). */
    value: text('value').notNull(),
    /** SHA-256 of the value: the unique key (a vPDQ value is too long for a b-tree). */
    valueDigest: text('value_digest').notNull(),
    quality: integer('quality'),
    verified: boolean('verified').notNull().default(false),
    status: text('status', { enum: BANK_STATUSES }).notNull(),
    /** The sequence number of the entry's latest change. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('bank_entries_value_idx').on(t.signalType, t.valueDigest),
    uniqueIndex('bank_entries_seq_idx').on(t.seq),
    // StopNCII-style checkpoints are times: where a sync resumes is found by time.
    index('bank_entries_updated_idx').on(t.updatedAt),
  ],
);

/**
 * The bank entries an item put in the bank (a photo: PDQ, perhaps MD5; a
 * video: vPDQ and MD5). Withdrawal tombstones an entry only when no item of
 * another open case still links to it.
 */
export const itemBankEntries = pgTable(
  'item_bank_entries',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => caseItems.id, { onDelete: 'cascade' }),
    entryId: bigint('entry_id', { mode: 'number' })
      .notNull()
      .references(() => bankEntries.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.entryId] }), index('item_bank_entries_entry_idx').on(t.entryId)],
);

/**
 * Idempotency of POST requests: same key and same body → the same answer.
 * The stored answer is encrypted under a key derived from the idempotency key
 * and the master key (it may hold a case secret) and expires after a day.
 */
export const idempotencyRecords = pgTable('idempotency_records', {
  keyDigest: text('key_digest').primaryKey(),
  requestDigest: text('request_digest').notNull(),
  statusCode: integer('status_code').notNull(),
  responseEnc: bytea('response_enc').notNull(),
  createdAt: createdAt(),
});

/**
 * Media a victim chose to send for verification: encrypted under the case's
 * key in the media store, deleted once reviewed or when retention expires.
 */
export const mediaObjects = pgTable(
  'media_objects',
  {
    id: uuid('id').primaryKey(),
    itemId: uuid('item_id')
      .notNull()
      .unique()
      .references(() => caseItems.id, { onDelete: 'cascade' }),
    byteSize: integer('byte_size').notNull(),
    createdAt: createdAt(),
    /** Set when the blob is erased; the row stays as a record that media existed. */
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('media_objects_created_idx').on(t.createdAt)],
);

/**
 * The audit log: who did what to what, and when — never the content itself.
 * Append-only (a trigger refuses updates and deletes) and hash-chained: each
 * entry's hash covers its fields and the previous entry's hash, so an edited,
 * deleted or reordered row breaks the chain at that point.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subject: text('subject'),
    detail: jsonb('detail').$type<Record<string, string | number | boolean | null>>().notNull(),
    prevHash: text('prev_hash').notNull(),
    /** The chain value: an HMAC-SHA256 under the audit key of `keyVersion`, or for a legacy entry (before 0010) a plain SHA-256. */
    hash: text('hash').notNull(),
    /** Which audit key chained the entry (see audit/audit-keys.ts); null for legacy entries, which all come first. */
    keyVersion: text('key_version'),
  },
  // The console's audit viewer pages one action at a time, newest first.
  (t) => [index('audit_log_action_idx').on(t.action, t.id), check('audit_log_key_version_format', sql`${t.keyVersion} is null or ${t.keyVersion} ~ '^[0-9a-f]{16}$'`)],
);

export const USER_ROLES = ['analyst', 'supervisor', 'admin'] as const;

/** Hotline staff. No default account and no default password: each enrols through a one-time link. */
export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull().unique(),
  role: text('role', { enum: USER_ROLES }).notNull(),
  /** argon2id; null until enrolment. */
  passwordHash: text('password_hash'),
  /** The TOTP secret, encrypted under the master key; null until enrolment starts. */
  totpSecretEnc: bytea('totp_secret_enc'),
  enrolled: boolean('enrolled').notNull().default(false),
  /**
   * The last TOTP time step (30-second counter) accepted, enrolment's first
   * code included: a code is used once, and an older one is refused.
   */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  // failed_logins and locked_until are still in the table, unused since
  // 0011 (sign_in_guards counts failures for known and unknown addresses alike).
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
});

/**
 * Failed sign-ins per target: a console e-mail address or a case number,
 * whether or not it exists, so that the pause after too many failures says
 * nothing about which do. Keyed by an HMAC of the normalised target (see
 * throttle/sign-in-guard.ts); forgotten at `expiresAt`.
 */
export const signInGuards = pgTable(
  'sign_in_guards',
  {
    targetDigest: text('target_digest').primaryKey(),
    /** Failures in a row (counted when an attempt starts, forgiven when it succeeds). */
    failures: integer('failures').notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('sign_in_guards_expires_idx').on(t.expiresAt)],
);

/**
 * Request budgets shared by replicas (PostgreSQL deployments): hits in the
 * current window per bucket. A bucket is an HMAC of a client's address or a
 * fixed name (a total budget), never an address (throttle/budget-store.ts).
 */
export const clientBudgets = pgTable(
  'client_budgets',
  {
    bucket: text('bucket').primaryKey(),
    hits: integer('hits').notNull(),
    resetsAt: timestamp('resets_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('client_budgets_resets_idx').on(t.resetsAt)],
);

export const enrolmentTokens = pgTable('enrolment_tokens', {
  tokenDigest: text('token_digest').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  /** Who made the link (`user:<id>`, `operator:cli`…): the enrolment's audit entry names them, so a reset-and-enrol by someone else shows. */
  issuedBy: text('issued_by'),
});

export const consoleSessions = pgTable(
  'console_sessions',
  {
    /** SHA-256 of the cookie's value. */
    idDigest: text('id_digest').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The CSRF token state-changing requests must echo in a header. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('console_sessions_user_idx').on(t.userId)],
);


/**
 * The hotline's host directory: who answers for a domain (and its
 * subdomains), where notices go, and whether the host is a partner platform.
 */
export const hosts = pgTable('hosts', {
  id: uuid('id').primaryKey(),
  /** Lower case, no trailing dot; covers its subdomains (the longest match wins). */
  domain: text('domain').notNull().unique(),
  name: text('name').notNull(),
  abuseEmail: text('abuse_email'),
  language: text('language', { enum: ['fr', 'en'] }).notNull().default('en'),
  partner: boolean('partner').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const NOTICE_STATUSES = ['queued', 'sent', 'outbox', 'exported'] as const;

/**
 * Takedown notices. The text is rendered from the template when sent or
 * downloaded, never stored: it quotes the victim's URL, which withdrawal
 * must be able to erase.
 */
export const notices = pgTable(
  'notices',
  {
    id: uuid('id').primaryKey(),
    /** Quoted in the notice and in the host's answers: DN-XXXXXXXX. */
    reference: text('reference').notNull().unique(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => caseItems.id, { onDelete: 'cascade' }),
    hostId: uuid('host_id').references(() => hosts.id, { onDelete: 'set null' }),
    recipient: text('recipient'),
    language: text('language', { enum: ['fr', 'en'] }).notNull(),
    /** email: through SMTP; outbox: an analyst downloads the message and sends it. */
    channel: text('channel', { enum: ['email', 'outbox'] }).notNull(),
    status: text('status', { enum: NOTICE_STATUSES }).notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('notices_item_idx').on(t.itemId), index('notices_sent_idx').on(t.sentAt)],
);

export const CHECK_OUTCOMES = ['online', 'removed', 'unreachable'] as const;

/** Every re-check of a reported URL: what it found, when. */
export const urlChecks = pgTable(
  'url_checks',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => caseItems.id, { onDelete: 'cascade' }),
    checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }).notNull(),
    outcome: text('outcome', { enum: CHECK_OUTCOMES }).notNull(),
    httpStatus: integer('http_status'),
    /** Who asked: null for the scheduled job. */
    checkedBy: uuid('checked_by').references(() => users.id),
  },
  (t) => [index('url_checks_item_idx').on(t.itemId, t.checkedAt)],
);

export const AUTHORITIES = ['pharos', 'ncmec', 'police', 'other'] as const;

/** Packages about minors sent to an authority: ours is the reference, theirs comes back later. */
export const escalations = pgTable(
  'escalations',
  {
    id: uuid('id').primaryKey(),
    /** ESC-XXXXXXXX, quoted to the authority. */
    reference: text('reference').notNull().unique(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    authority: text('authority', { enum: AUTHORITIES }).notNull(),
    /** The authority's own reference (a PHAROS or NCMEC report number), when it gives one. */
    authorityReference: text('authority_reference'),
    /** SHA-256 of the package as sent, so a copy can be shown to be the same. */
    packageDigest: text('package_digest').notNull(),
    /** The package as sent, encrypted under the case's key (it quotes URLs and hashes). */
    packageEnc: bytea('package_enc'),
    itemCount: integer('item_count').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('escalations_case_idx').on(t.caseId)],
);

// ---------------------------------------------------------------------------
// Partner platforms (issue #6): keys, feedback, webhooks, the negative bank
// and the analysts' review of held or disputed bank entries.

export const PARTNER_SCOPES = ['feed:read', 'match', 'feedback:write', 'hashes:write'] as const;
/** A native API key, or the two halves of a StopNCII-style credential (subscription key + per-endpoint function key). */
export const PARTNER_KEY_KINDS = ['api', 'stopncii_subscription', 'stopncii_function'] as const;
export const STOPNCII_ENDPOINTS = ['FetchHashes', 'SubmitHashes', 'SubmitFeedback'] as const;
/** StopNCII's feedback values that Disrupt records (the others carry no opinion). */
export const FEEDBACK_VALUES = ['PendingReview', 'Blocked', 'NotBlocked'] as const;

export const partners = pgTable('partners', {
  id: uuid('id').primaryKey(),
  /** Shown to other partners as the `source` of feedback (StopNCII's CSP name). */
  name: text('name').notNull().unique(),
  /** Requests a minute per key; each key has its own bucket. */
  rateLimitPerMinute: integer('rate_limit_per_minute').notNull(),
  createdAt: createdAt(),
  /** Set when revoked: every key of the partner is refused from then on. */
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
});

export const partnerKeys = pgTable(
  'partner_keys',
  {
    id: uuid('id').primaryKey(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: PARTNER_KEY_KINDS }).notNull(),
    /** For `stopncii_function`: the one endpoint the key opens. */
    endpoint: text('endpoint', { enum: STOPNCII_ENDPOINTS }),
    /** The visible part of the key (e.g. `dpk_a1b2c3d4`), for lookups and for people to tell keys apart. */
    prefix: text('prefix').notNull().unique(),
    /** SHA-256 of the whole key: keys are 256 random bits, so a slow hash would add nothing but latency. */
    digest: text('digest').notNull(),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('partner_keys_partner_idx').on(t.partnerId)],
);

/**
 * Every opinion a partner gave on a bank entry, in order (never updated): the
 * latest per partner is its current opinion; the whole history decides disputes.
 */
export const partnerFeedback = pgTable(
  'partner_feedback',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    entryId: bigint('entry_id', { mode: 'number' })
      .notNull()
      .references(() => bankEntries.id, { onDelete: 'cascade' }),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    value: text('value', { enum: FEEDBACK_VALUES }).notNull(),
    tags: jsonb('tags').$type<string[]>().notNull(),
    /** Where the partner saw the content (its own platform). */
    url: text('url'),
    createdAt: createdAt(),
  },
  (t) => [index('partner_feedback_entry_idx').on(t.entryId, t.id), index('partner_feedback_created_idx').on(t.createdAt)],
);

/** Known benign images (PDQ): a hash within the match distance of one never reaches partners. */
export const negativeBank = pgTable('negative_bank', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  value: text('value').notNull().unique(),
  /** Free text from the admin, e.g. "stock photo set 2024" — about the benign image, never a victim. */
  label: text('label'),
  addedBy: text('added_by').notNull(),
  createdAt: createdAt(),
});

export const BANK_REVIEW_REASONS = ['negative_bank', 'disputed'] as const;
export const BANK_REVIEW_OUTCOMES = ['restored', 'deleted'] as const;

/**
 * Bank entries quarantined for an analyst: held at entry (near the negative
 * bank) or disputed by partners. One row per entry; a new hold reopens it.
 */
export const bankReviews = pgTable(
  'bank_reviews',
  {
    entryId: bigint('entry_id', { mode: 'number' })
      .primaryKey()
      .references(() => bankEntries.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: BANK_REVIEW_REASONS }).notNull(),
    /** The entry never reached partners (held at entry): feeds leave it out while this is true. */
    hidden: boolean('hidden').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    decidedBy: uuid('decided_by').references(() => users.id),
    outcome: text('outcome', { enum: BANK_REVIEW_OUTCOMES }),
  },
  (t) => [index('bank_reviews_hidden_idx').on(t.hidden)],
);

export const partnerWebhooks = pgTable(
  'partner_webhooks',
  {
    id: uuid('id').primaryKey(),
    partnerId: uuid('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** The signing secret, encrypted under the master key (we must sign with it, so it cannot be hashed). */
    secretEnc: bytea('secret_enc').notNull(),
    /** The bank's change sequence up to which the partner has everything. */
    cursor: bigint('cursor', { mode: 'number' }).notNull(),
    /** Since when a delivery job is queued or running: the dispatcher queues no second one (and re-queues after a job gave up). */
    pendingSince: timestamp('pending_since', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('partner_webhooks_partner_idx').on(t.partnerId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => partnerWebhooks.id, { onDelete: 'cascade' }),
    /** The batch: changes after `fromSeq`, up to and including `toSeq`. */
    fromSeq: bigint('from_seq', { mode: 'number' }).notNull(),
    toSeq: bigint('to_seq', { mode: 'number' }).notNull(),
    count: integer('count').notNull(),
    /** The partner's HTTP status, null when no answer came (refused, timed out). */
    statusCode: integer('status_code'),
    ok: boolean('ok').notNull(),
    /** What went wrong, as a short code (`timeout`, `http_500`…), never the partner's body. */
    error: text('error'),
    ms: integer('ms').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id)],
);

/**
 * Settings an admin manages in the console rather than in the environment
 * (today: the portal's helplines). One row per setting, its whole value as
 * JSON: each is read and replaced as a whole, is small (at most 20 helplines),
 * and is never queried by a field inside it — so a row per setting makes a
 * replacement one atomic upsert, and "never saved" (fall back to the
 * configuration) is simply no row.
 */
export const consoleSettings = pgTable('console_settings', {
  /** A stable literal name, e.g. `helplines`. */
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** `user:<id>` of the admin who saved it. */
  updatedBy: text('updated_by').notNull(),
});
