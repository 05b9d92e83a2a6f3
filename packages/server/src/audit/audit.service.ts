// The audit log as the console reads it: pages of entries, and the chain's
// verification. Appending stays in audit.ts, inside each change's transaction.

import type { Database } from '../db/database.ts';
import { type AuditPage, type AuditVerification, listAudit, verifyAudit } from './audit.ts';

export class AuditService {
  constructor(private readonly database: Database) {}

  list(query: { readonly before?: number | undefined; readonly limit: number; readonly action?: string | undefined }): Promise<AuditPage> {
    return listAudit(this.database, query);
  }

  verify(): Promise<AuditVerification> {
    return verifyAudit(this.database);
  }
}
