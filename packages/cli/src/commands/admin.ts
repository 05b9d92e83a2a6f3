// disrupt admin create EMAIL: an account and its one-time enrolment link.
// disrupt admin reset EMAIL: a new link for an account whose invitation
// lapsed, or whose owner lost their authenticator or password — the way back
// in for a hotline whose only admin cannot sign in.
import { parseArgs } from 'node:util';
import { AccountService, type UserRole, loadMasterKey } from '@disrupt/server';
import { type CliIo, type Command, UsageError } from '../io.ts';
import { withStorage } from '../storage.ts';

const USAGE = `Usage: disrupt admin create EMAIL [--role admin|supervisor|analyst] [--data DIR]
       disrupt admin reset EMAIL [--data DIR]

create: makes a console account (default role: admin) and prints a one-time
enrolment link, valid 24 hours: the person sets a password and registers an
authenticator app (TOTP). There is no default password.
reset: prints a new one-time link for an existing account, to renew an
invitation that lapsed or to let back in someone who lost their authenticator
or password. Their password and authenticator are removed, their sessions end
and earlier links stop working.`;

export const adminCommand: Command = {
  name: 'admin',
  summary: 'create console accounts, or reset one, with a one-time enrolment link',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { role: { type: 'string', default: 'admin' }, data: { type: 'string' } } });
    const [action, email] = positionals;
    if ((action !== 'create' && action !== 'reset') || email === undefined || positionals.length !== 2) throw new UsageError('expected: create EMAIL, or reset EMAIL');
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError('EMAIL is not an email address');
    const role = values.role;
    if (role !== 'admin' && role !== 'supervisor' && role !== 'analyst') throw new UsageError('--role must be admin, supervisor or analyst');
    return withStorage(io, `admin ${action}`, values.data, async (storage, config) => {
      try {
        const accounts = new AccountService({ database: storage.database, masterKey: loadMasterKey(config) });
        const link = (token: string) => `http://${config.host}:${config.port}/console/enrol#${token}`;
        if (action === 'reset') {
          const renewed = await accounts.renewEnrolment({ email }, 'operator:cli');
          io.stdout(`New enrolment link for ${renewed.email}, valid 24 hours, usable once (earlier links, the password and the authenticator no longer work):\n  ${link(renewed.enrolmentToken)}\n`);
          return 0;
        }
        const { enrolmentToken } = await accounts.createUser(email, role satisfies UserRole, 'operator:cli');
        io.stdout(`Enrolment link for ${email.toLowerCase()} (${role}), valid 24 hours, usable once:\n  ${link(enrolmentToken)}\n`);
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
