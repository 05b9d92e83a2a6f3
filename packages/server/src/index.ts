// @disrupt/server: the platform's server, started by `disrupt serve`.
export { type Config, type ConfigResult, type Role, ROLES, loadConfig } from './config.ts';
export { type RunningServer, type StartOptions, loadMasterKey, startServer } from './server.ts';
export { DataFolderBusyError, lockDataFolder } from './db/data-lock.ts';
export { type Database, type DatabaseTarget, openDatabase } from './db/database.ts';
export { AppError, type ErrorCode } from './errors.ts';
export { type OpenStorage, openStorage } from './storage.ts';
export { type ImportReport, type ExportRecord, importLines, exportEntries, removeSignal, stats as bankStats } from './bank/bank-admin.ts';
export { type SignalType } from './bank/bank.repository.ts';
export { type AuditBreak, type AuditHead, type AuditVerification, describeAuditBreak, verifyAudit } from './audit/audit.ts';
export { type AnchorOutcome, type AuditAnchor, type LatestAnchor, anchorAudit, latestAnchor } from './audit/audit-anchor.ts';
export { AccountService, type UserRole } from './console/account.service.ts';
export { PartnerService, type PartnerCredentials, type PartnerScope, type PartnerView, validPartnerName } from './partner/partner.service.ts';
export { PARTNER_SCOPES } from './db/schema.ts';
// The victim API's wire types, for the portal (packages/web imports them as types only).
export type { OpenCaseRequest, OpenedCase, VictimSession, CaseView, CaseItemView, ItemResults, AddedMedia } from './cases/case.routes.ts';
export { MAX_ITEMS_BODY_BYTES } from './cases/case.routes.ts';
export { MAX_VPDQ_FRAMES } from './cases/items.ts';
export type { ItemInput } from './cases/items.ts';
export type { PortalPublicConfig } from './portal/portal.routes.ts';
