// disrupt partner: partner platforms and their keys. Keys are printed once,
// at creation and rotation, and stored only as digests.
import { parseArgs } from 'node:util';
import { PARTNER_SCOPES, type PartnerCredentials, type PartnerScope, PartnerService } from '@disrupt/server';
import { type CliIo, type Command, UsageError } from '../io.ts';
import { withStorage } from '../storage.ts';

const USAGE = `Usage: disrupt partner <create NAME | list | revoke NAME | rotate NAME> [--json] [--data DIR]

  create NAME   a partner platform, with a native API key and StopNCII-style keys
                (subscription key + one function key per endpoint), printed once;
                --scopes LIST (comma-separated; default all: ${PARTNER_SCOPES.join(',')})
                --rate N (requests a minute per key; default DISRUPT_PARTNER_RATE_LIMIT or 600)
  list          partners, their state and key prefixes (never the keys)
  revoke NAME   refuse every key of the partner, at once
  rotate NAME   new keys with the same scopes; the old ones stop working at once

--json prints JSON: create and rotate print
  {"name":…,"apiKey":…,"stopncii":{"subscriptionKey":…,"functionKeys":{"FetchHashes":…,"SubmitHashes":…,"SubmitFeedback":…}}}
The partners are in the embedded database in DIR (default ./data), or DATABASE_URL when set.`;

function printCredentials(io: CliIo, credentials: PartnerCredentials, json: boolean): void {
  if (json) {
    io.stdout(`${JSON.stringify(credentials)}\n`);
    return;
  }
  const fk = credentials.stopncii.functionKeys;
  io.stdout(
    `Partner ${credentials.name}: these keys are shown once; store them now.\n` +
      `  API key (Authorization: Bearer):          ${credentials.apiKey}\n` +
      `  StopNCII Ocp-Apim-Subscription-Key:       ${credentials.stopncii.subscriptionKey}\n` +
      `  StopNCII x-functions-key, FetchHashes:    ${fk.FetchHashes}\n` +
      `  StopNCII x-functions-key, SubmitHashes:   ${fk.SubmitHashes}\n` +
      `  StopNCII x-functions-key, SubmitFeedback: ${fk.SubmitFeedback}\n`,
  );
}

function parseScopes(text: string | undefined): PartnerScope[] | undefined {
  if (text === undefined) return undefined;
  const scopes = text.split(',').map((s) => s.trim());
  const known = PARTNER_SCOPES as readonly string[];
  const unknown = scopes.filter((s) => !known.includes(s));
  if (unknown.length > 0 || scopes.length === 0) throw new UsageError(`--scopes takes a comma-separated list of ${PARTNER_SCOPES.join(', ')}`);
  return scopes as PartnerScope[];
}

export const partnerCommand: Command = {
  name: 'partner',
  summary: 'create, list, revoke and rotate the keys of partner platforms',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { data: { type: 'string' }, json: { type: 'boolean', default: false }, scopes: { type: 'string' }, rate: { type: 'string' } },
    });
    const [action, name, ...extra] = positionals;
    if (action !== 'create' && action !== 'list' && action !== 'revoke' && action !== 'rotate') throw new UsageError('expected create, list, revoke or rotate');
    if (extra.length > 0) throw new UsageError('too many arguments');
    if (action === 'list' && name !== undefined) throw new UsageError('list takes no argument');
    if (action !== 'list' && name === undefined) throw new UsageError(`${action} takes a partner NAME`);
    if (action !== 'create' && (values.scopes !== undefined || values.rate !== undefined)) throw new UsageError('--scopes and --rate go with create');
    const scopes = parseScopes(values.scopes);
    if (values.rate !== undefined && !/^[1-9]\d{0,6}$/.test(values.rate)) throw new UsageError('--rate takes a whole number of requests a minute, from 1 to 1000000');
    const rate = values.rate === undefined ? undefined : Number(values.rate);
    const json = values.json;

    return withStorage(io, `partner ${action}`, values.data, async (storage, config) => {
      const partners = new PartnerService(storage.database);
      switch (action) {
        case 'create': {
          const result = await partners.create(name!, { ...(scopes ? { scopes } : {}), rateLimitPerMinute: rate ?? config.partnerRateLimit }, 'operator:cli');
          if (!result.ok) {
            io.stderr(`disrupt partner: ${result.reason === 'name_taken' ? 'a partner has this name already' : 'NAME must be 1 to 100 letters, digits, spaces, dots, dashes or underscores'}\n`);
            return 1;
          }
          printCredentials(io, result.credentials, json);
          return 0;
        }
        case 'list': {
          for (const p of await partners.list()) {
            if (json) io.stdout(`${JSON.stringify(p)}\n`);
            else {
              const live = p.keys.filter((k) => k.revokedAt === null);
              const api = live.find((k) => k.kind === 'api');
              io.stdout(`${p.name}\t${p.revokedAt ? 'revoked' : 'active'}\t${p.rateLimitPerMinute}/min\t${api ? `${api.prefix} [${api.scopes.join(',')}]` : '-'}\t${live.length} live keys\n`);
            }
          }
          return 0;
        }
        case 'revoke': {
          if ((await partners.revoke(name!, 'operator:cli')) === 'not_found') {
            io.stderr('disrupt partner: no partner has this name\n');
            return 1;
          }
          io.stdout(json ? `${JSON.stringify({ name, revoked: true })}\n` : `revoked ${name!}\n`);
          return 0;
        }
        case 'rotate': {
          const result = await partners.rotate(name!, 'operator:cli');
          if (result === 'not_found' || result === 'revoked') {
            io.stderr(`disrupt partner: ${result === 'not_found' ? 'no partner has this name' : 'this partner is revoked'}\n`);
            return 1;
          }
          printCredentials(io, result, json);
          return 0;
        }
      }
    });
  },
};
