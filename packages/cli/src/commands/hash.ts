// disrupt hash: fingerprints of photos and videos, one line per file.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { PdqPipeline } from '@disrupt/hashing';
import { availableParallelism } from 'node:os';
import { type FileHash, type HashFileOptions, type HashPool, type MediaResult, createHashPool } from '@disrupt/media';
import { type CliIo, type Command, UsageError } from '../io.ts';

const USAGE = `Usage: disrupt hash [--json] [--pipeline reference|full] [--dihedral] [--seconds-per-hash S] FILE...

Prints the fingerprints of each photo (PDQ hash, quality, MD5, SHA-256) and video
(vPDQ: one PDQ hash per second, MD5, SHA-256), judged by content, one line per file.

  --json               one JSON object per line
  --pipeline NAME      reference (default): as Meta's pdq-photo-hasher, images over
                       512 px are first resized to 512x512; full: full resolution,
                       as pdqhash-python and HMA
  --dihedral           also the 8 rotations and flips of each photo
  --seconds-per-hash S video sampling interval (default 1; 0 hashes every frame)

Exit code 1 if any file could not be hashed (the others still are).`;

// A pool of worker threads, one per core, each with two files in flight (one
// decoding in libvips' or ffmpeg's threads while the other is hashed).
const JOBS_PER_WORKER = 2;

type Outcome = MediaResult<FileHash> | { ok: false; reason: 'unreadable'; message: string };

export const hashCommand: Command = {
  name: 'hash',
  summary: 'fingerprint photos (PDQ) and videos (vPDQ), with MD5 and SHA-256',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        pipeline: { type: 'string', default: 'reference' },
        dihedral: { type: 'boolean', default: false },
        'seconds-per-hash': { type: 'string' },
      },
    });
    if (positionals.length === 0) throw new UsageError('no file given');
    const pipeline = values.pipeline;
    if (pipeline !== 'reference' && pipeline !== 'full') throw new UsageError('--pipeline must be reference or full');
    const options: HashFileOptions = { pipeline: pipeline satisfies PdqPipeline, dihedral: values.dihedral, ...secondsOption(values['seconds-per-hash']) };

    const workers = Math.min(availableParallelism(), positionals.length);
    const pool = createHashPool({ size: workers, jobsPerWorker: JOBS_PER_WORKER });
    try {
      // Results print in the order of the command line; at most a window of
      // files is submitted ahead of the one being printed.
      const window = workers * JOBS_PER_WORKER;
      const outcomes = new Array<Promise<Outcome>>(positionals.length);
      const start = (i: number) => {
        outcomes[i] = hashOne(pool, resolve(io.cwd, positionals[i]!), options);
      };
      let next = 0;
      for (; next < Math.min(window, positionals.length); next++) start(next);
      let failed = false;
      for (let i = 0; i < positionals.length; i++) {
        const outcome = await outcomes[i]!;
        if (next < positionals.length) start(next++);
        if (!outcome.ok) failed = true;
        io.stdout(`${values.json ? jsonLine(positionals[i]!, outcome) : textLine(positionals[i]!, outcome)}\n`);
      }
      return failed ? 1 : 0;
    } finally {
      await pool.close();
    }
  },
};

function secondsOption(text: string | undefined): { secondsPerHash?: number } {
  if (text === undefined) return {};
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new UsageError('--seconds-per-hash must be a number ≥ 0');
  return { secondsPerHash: seconds };
}

async function hashOne(pool: HashPool, path: string, options: HashFileOptions): Promise<Outcome> {
  try {
    return await pool.hashFile(path, options);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') return { ok: false, reason: 'unreadable', message: 'no such file' };
    if (code === 'EISDIR') return { ok: false, reason: 'unreadable', message: 'is a directory' };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, reason: 'unreadable', message: 'permission denied' };
    throw error;
  }
}

function jsonLine(file: string, outcome: Outcome): string {
  if (!outcome.ok) return JSON.stringify({ file, error: outcome.message });
  const h = outcome.value;
  if (h.kind === 'photo') {
    return JSON.stringify({
      file,
      kind: 'photo',
      pdq: h.pdq,
      quality: h.quality,
      md5: h.md5,
      sha256: h.sha256,
      width: h.width,
      height: h.height,
      ...(h.dihedral ? { dihedral: h.dihedral } : {}),
    });
  }
  return JSON.stringify({
    file,
    kind: 'video',
    md5: h.md5,
    sha256: h.sha256,
    width: h.width,
    height: h.height,
    fps: h.fps,
    duration: h.durationSeconds,
    vpdq: h.vpdq.map((f) => ({ frame: f.frame, quality: f.quality, pdq: f.pdq, timestamp: f.timestamp })),
  });
}

function textLine(file: string, outcome: Outcome): string {
  if (!outcome.ok) return `${file}\terror\t${outcome.message}`;
  const h = outcome.value;
  if (h.kind === 'photo') {
    const dihedral = h.dihedral ? `\t${Object.entries(h.dihedral).map(([name, hash]) => `${name}=${hash}`).join(' ')}` : '';
    return `${file}\tphoto\t${h.pdq}\t${h.quality}\t${h.md5}\t${h.sha256}${dihedral}`;
  }
  return `${file}\tvideo\t${h.vpdq.length} frames\t${h.md5}\t${h.sha256}`;
}
