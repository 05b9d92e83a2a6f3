// disrupt admin create EMAIL: an account and its one-time enrolment link.
import { parseArgs } from 'node:util';
import { AccountService, type UserRole, loadMasterKey } from '@disrupt/server';
import { type CliIo, type Command, UsageError } from '../io.ts';
import { withStorage } from '../storage.ts';

const USAGE = `Usage: disrupt admin create EMAIL [--role admin|supervisor|analyst] [--data DIR]

Creates a console account (default role: admin) and prints a one-time enrolment
link, valid 24 hours: the person sets a password and registers an authenticator
app (TOTP). There is no default password.`;

export const adminCommand: Command = {
  name: 'admin',
  summary: 'create console accounts with a one-time enrolment link',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { role: { type: 'string', default: 'admin' }, data: { type: 'string' } } });
    const [action, email] = positionals;
    if (action !== 'create' || email === undefined || positionals.length !== 2) throw new UsageError('expected: create EMAIL');
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError('EMAIL is not an email address');
    const role = values.role;
    if (role !== 'admin' && role !== 'supervisor' && role !== 'analyst') throw new UsageError('--role must be admin, supervisor or analyst');
    return withStorage(io, 'admin create', values.data, async (storage, config) => {
      try {
        const accounts = new AccountService({ database: storage.database, masterKey: loadMasterKey(config) });
        const { enrolmentToken } = await accounts.createUser(email, role satisfies UserRole, 'operator:cli');
        io.stdout(`Enrolment link for ${email.toLowerCase()} (${role}), valid 24 hours, usable once:\n  http://${config.host}:${config.port}/console/enrol#${enrolmentToken}\n`);
        return 0;
      } catch (error) {
        if (error instanceof Error && error.name === 'AppError') {
          io.stderr(`disrupt admin: ${error.message}\n`);
          return 1;
        }
        throw error;
      }
    });
  },
};
