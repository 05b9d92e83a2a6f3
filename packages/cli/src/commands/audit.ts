// disrupt audit verify: walks the audit log's hash chain.
import { parseArgs } from 'node:util';
import { verifyAudit } from '@disrupt/server';
import { type CliIo, type Command, UsageError } from '../io.ts';
import { withStorage } from '../storage.ts';

const USAGE = `Usage: disrupt audit verify [--data DIR]

Recomputes the hash chain of the audit log and reports the first broken link
(an edited, deleted or reordered entry). Exit code 1 when the chain is broken.
The log is the embedded database in DIR (default ./data), or DATABASE_URL when set.`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the audit log\'s hash chain',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { data: { type: 'string' } } });
    if (positionals.length !== 1 || positionals[0] !== 'verify') throw new UsageError('expected: verify');
    return withStorage(io, 'audit verify', values.data, async (storage) => {
      const result = await verifyAudit(storage.database);
      io.stdout(`${JSON.stringify(result)}\n`);
      if (!result.ok) io.stderr(`disrupt audit: the chain is broken at entry ${result.firstBrokenId}\n`);
      return result.ok ? 0 : 1;
    });
  },
};
