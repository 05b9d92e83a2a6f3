// disrupt bank: the operator's tools for the hash bank.
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type SignalType, bankStats, exportEntries, importLines, removeSignal } from '@disrupt/server';
import { type CliIo, type Command, UsageError } from '../io.ts';
import { withStorage } from '../storage.ts';

const USAGE = `Usage: disrupt bank <import FILE | export | remove SIGNAL_TYPE VALUE | stats> [--data DIR]

  import FILE   add signals from NDJSON lines {"signalType":"pdq","value":"…","quality":90,"verified":true}
                (FILE - reads standard input); bad lines are reported with their number, the rest imported
  export        every bank entry as NDJSON, tombstones included, in change order
  remove T V    mark a signal deleted (partners receive a tombstone); T is pdq, md5 or vpdq
  stats         counts by signal type and status

The bank is the embedded database in DIR (default ./data), or DATABASE_URL when set.
A data folder held by a running server is refused: stop the server first.
Exit code 1 when anything was refused.`;

export const bankCommand: Command = {
  name: 'bank',
  summary: 'import, export, remove and count the signals of the hash bank',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { data: { type: 'string' } } });
    const [action, ...rest] = positionals;
    if (action !== 'import' && action !== 'export' && action !== 'remove' && action !== 'stats') throw new UsageError('expected import, export, remove or stats');
    if (action === 'import' && rest.length !== 1) throw new UsageError('import takes one FILE (or -)');
    if (action === 'remove' && (rest.length !== 2 || !['pdq', 'md5', 'vpdq'].includes(rest[0]!))) throw new UsageError('remove takes SIGNAL_TYPE (pdq, md5 or vpdq) and VALUE');
    if ((action === 'export' || action === 'stats') && rest.length > 0) throw new UsageError(`${action} takes no argument`);

    return withStorage(io, `bank ${action}`, values.data, async (storage) => {
      switch (action) {
        case 'import': {
          const input = rest[0] === '-' ? io.stdin : createReadStream(resolve(io.cwd, rest[0]!));
          const report = await importLines(storage.database, createInterface({ input, crlfDelay: Infinity }));
          for (const { line, reason } of report.refused) io.stderr(`disrupt bank import: line ${line}: ${reason}, skipped\n`);
          io.stdout(`${JSON.stringify({ imported: report.imported, alreadyPresent: report.alreadyPresent, refused: report.refused.length })}\n`);
          return report.refused.length > 0 ? 1 : 0;
        }
        case 'export':
          for await (const record of exportEntries(storage.database)) io.stdout(`${JSON.stringify(record)}\n`);
          return 0;
        case 'remove': {
          const outcome = await removeSignal(storage.database, rest[0] as SignalType, rest[1]!);
          if (outcome !== 'deleted') {
            io.stderr(`disrupt bank remove: ${outcome === 'malformed' ? 'not a valid value for that signal type' : 'the bank does not hold that signal'}\n`);
            return 1;
          }
          io.stdout('deleted\n');
          return 0;
        }
        case 'stats':
          io.stdout(`${JSON.stringify(await bankStats(storage.database))}\n`);
          return 0;
      }
    });
  },
};
