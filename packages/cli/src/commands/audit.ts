// disrupt audit verify: walks the audit log's chain and checks it against the
// latest anchor. disrupt audit anchor: anchors the head now.
import { parseArgs } from 'node:util';
import { anchorAudit, describeAuditBreak, latestAnchor, verifyAudit } from '@disrupt/server';
import { type CliIo, type Command, UsageError } from '../io.ts';
import { withStorage } from '../storage.ts';

const USAGE = `Usage: disrupt audit verify [--data DIR]
       disrupt audit anchor [--data DIR]

verify: recomputes the audit log's chain — the MAC of every entry, under the
audit key derived from the master key (plain hashes for entries written before
the chain was keyed) — and checks the latest anchor in DISRUPT_AUDIT_ANCHOR_DIR:
the log must still reach the anchored entry, and that entry must carry the
anchored MAC. Reports the first entry that fails (an edited, deleted or
reordered entry, a chain recomputed without the key, a cut-off tail).
Exit code 1 when anything fails.
anchor: writes the head's position and MAC to a new file in
DISRUPT_AUDIT_ANCHOR_DIR (default: audit-anchors in the data folder) and prints
it. A running server's worker does this once a day; with the embedded
database, stop the server first (or let it do so).
The log is the embedded database in DIR (default ./data), or DATABASE_URL when set.`;

export const auditCommand: Command = {
  name: 'audit',
  summary: "verify the audit log's chain against its latest anchor, or anchor its head",
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { data: { type: 'string' } } });
    const [action] = positionals;
    if (positionals.length !== 1 || (action !== 'verify' && action !== 'anchor')) throw new UsageError('expected: verify or anchor');
    return withStorage(io, `audit ${action}`, values.data, async (storage, config) => {
      if (action === 'anchor') {
        const outcome = await anchorAudit(storage.database, config.auditAnchorDir);
        if (outcome.status !== 'anchored') {
          io.stderr('disrupt audit: the log is empty, nothing to anchor yet\n');
          return 0;
        }
        io.stdout(`${JSON.stringify({ ...outcome.anchor, file: outcome.file })}\n`);
        return 0;
      }
      const latest = latestAnchor(config.auditAnchorDir);
      if (!latest.ok) {
        io.stderr(`disrupt audit: ${latest.file} is not an anchor file (damaged or foreign): move it aside or restore it\n`);
        return 1;
      }
      const anchor = latest.anchor;
      const result = await verifyAudit(storage.database, { anchor });
      io.stdout(`${JSON.stringify({ ...result, anchoredEntry: anchor?.entryId ?? null })}\n`);
      if (!result.ok) {
        io.stderr(`disrupt audit: the chain is broken: ${describeAuditBreak(result, anchor)}\n`);
        return 1;
      }
      if (!anchor) io.stderr(`disrupt audit: no anchor in ${config.auditAnchorDir} yet, so a cut-off tail cannot be detected (disrupt audit anchor writes one)\n`);
      return 0;
    });
  },
};
