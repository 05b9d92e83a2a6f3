import { hashCommand } from './commands/hash.ts';
import { matchCommand } from './commands/match.ts';
import { serveCommand } from './commands/serve.ts';
import { adminCommand } from './commands/admin.ts';
import { auditCommand } from './commands/audit.ts';
import { bankCommand } from './commands/bank.ts';
import { partnerCommand } from './commands/partner.ts';
import { type CliIo, type Command, UsageError } from './io.ts';

const COMMANDS: readonly Command[] = [serveCommand, adminCommand, bankCommand, partnerCommand, auditCommand, hashCommand, matchCommand];

function assertUniqueNames(commands: readonly Command[]): void {
  const seen = new Set<string>();
  for (const c of commands) {
    if (seen.has(c.name)) throw new Error(`duplicate command name: ${c.name}`);
    seen.add(c.name);
  }
}
assertUniqueNames(COMMANDS);

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'disrupt: fingerprint and match intimate images and videos shared without consent',
    '',
    'Usage: disrupt <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `disrupt <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

export function defaultIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    cwd: process.cwd(),
  };
}

/** Runs the command line `args` (without `node` and the script) and returns the exit code. */
export async function main(args: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(helpText());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`disrupt: unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`disrupt ${command.name}: ${(error as Error).message}\n${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

