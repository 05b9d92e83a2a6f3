// disrupt match: which bank hashes each query hash is near.
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { type PdqHash, parsePdqHash, pdqHashToWords } from '@disrupt/hashing';
import { DEFAULT_PDQ_RADIUS, MihPdqIndex } from '@disrupt/matching';
import { type CliIo, type Command, UsageError } from '../io.ts';

const USAGE = `Usage: disrupt match [--radius N] [--json] --bank BANK_FILE [QUERY_FILE | -]

Matches PDQ hashes against a bank, exactly (every bank hash within the radius).
BANK_FILE and the queries (a file, or standard input with - or no file) hold one
hash a line: 64 hex digits, optionally followed by whitespace and an id.
Prints one line per match: <query line> <bank id, or bank line> <distance>,
lines counted from 1 (--json: one {"query","bank","distance"} object a line).

  --radius N   Hamming distance, 0–256 (default ${DEFAULT_PDQ_RADIUS})
  --json       JSON lines

Malformed lines are reported on standard error with their line number and
skipped; the exit code is then 1.`;

interface HashLine {
  readonly line: number;
  readonly hash: PdqHash;
  readonly label: string | null;
}

async function* readHashLines(input: Readable, name: string, io: CliIo, bad: { count: number }): AsyncGenerator<HashLine> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    const [hashText = '', label] = trimmed.split(/\s+/, 2);
    const hash = parsePdqHash(hashText);
    if (!hash.ok) {
      // The line's content is never echoed: hashes are sensitive.
      io.stderr(`disrupt match: ${name}:${line}: not a PDQ hash (64 hex digits), skipped\n`);
      bad.count++;
      continue;
    }
    yield { line, hash: hash.value, label: label ?? null };
  }
}

export const matchCommand: Command = {
  name: 'match',
  summary: 'match PDQ hashes against a bank of hashes, exactly',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { radius: { type: 'string' }, json: { type: 'boolean', default: false }, bank: { type: 'string' } },
    });
    if (values.bank === undefined) throw new UsageError('--bank is required');
    if (positionals.length > 1) throw new UsageError('at most one query file');
    const radius = values.radius === undefined ? DEFAULT_PDQ_RADIUS : Number(values.radius);
    if (!Number.isInteger(radius) || radius < 0 || radius > 256 || values.radius?.trim() === '') throw new UsageError('--radius must be an integer from 0 to 256');

    const bad = { count: 0 };
    // Entry id = position in `labels`; the words go straight into one flat array.
    const labels: string[] = [];
    let words = new Uint32Array(8 * 1024);
    const bankName = values.bank;
    for await (const { line, hash, label } of readHashLines(await openInput(resolve(io.cwd, bankName)), bankName, io, bad)) {
      if (labels.length * 8 === words.length) {
        const grown = new Uint32Array(words.length * 2);
        grown.set(words);
        words = grown;
      }
      pdqHashToWords(hash, words, labels.length * 8);
      labels.push(label ?? String(line));
    }
    const index = new MihPdqIndex();
    index.addMany({ words: words.subarray(0, labels.length * 8), ids: Uint32Array.from(labels, (_, i) => i) });

    const queryName = positionals[0] ?? '-';
    const queries = queryName === '-' ? io.stdin : await openInput(resolve(io.cwd, queryName));
    for await (const { line, hash } of readHashLines(queries, queryName === '-' ? 'stdin' : queryName, io, bad)) {
      for (const { id, distance } of index.search(hash, radius)) {
        const bank = labels[id]!;
        io.stdout(values.json ? `${JSON.stringify({ query: line, bank, distance })}\n` : `${line} ${bank} ${distance}\n`);
      }
    }
    return bad.count > 0 ? 1 : 0;
  },
};

/** Opens a file for reading, failing early (and clearly) when it cannot be read. */
async function openInput(path: string): Promise<Readable> {
  const stream = createReadStream(path);
  await new Promise<void>((resolveOpen, reject) => {
    stream.once('open', () => {
      resolveOpen();
    });
    stream.once('error', (error: NodeJS.ErrnoException) => {
      reject(new UsageError(error.code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}`));
    });
  });
  return stream;
}
