// disrupt audit verify: walks the audit log's hash chain.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type OpenStorage, loadConfig, openStorage, verifyAudit } from '@disrupt/server';
import { type CliIo, type Command, UsageError } from '../io.ts';

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
    const loaded = loadConfig({ ...process.env, ...(values.data === undefined ? {} : { DISRUPT_DATA_DIR: resolve(io.cwd, values.data) }), LOG_LEVEL: 'silent' });
    if (!loaded.ok) throw new UsageError(`bad configuration:\n  ${loaded.errors.join('\n  ')}`);
    let storage: OpenStorage;
    try {
      storage = await openStorage(loaded.config, 'audit verify');
    } catch (error) {
      if (error instanceof Error && error.name === 'DataFolderBusyError') {
        io.stderr(`disrupt audit: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    try {
      const result = await verifyAudit(storage.database);
      io.stdout(`${JSON.stringify(result)}\n`);
      if (!result.ok) io.stderr(`disrupt audit: the chain is broken at entry ${result.firstBrokenId}\n`);
      return result.ok ? 0 : 1;
    } finally {
      await storage.close();
    }
  },
};
