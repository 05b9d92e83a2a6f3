// A worker thread of the hash pool: decodes and hashes off the caller's thread.
import { parentPort } from 'node:worker_threads';
import { type HashFileOptions, hashFile, hashImageBytes } from './hash-file.ts';
import type { MediaInput } from './unlinked-file.ts';

export type HashJob =
  | { readonly id: number; readonly op: 'file'; readonly input: MediaInput; readonly options: HashFileOptions }
  | { readonly id: number; readonly op: 'bytes'; readonly bytes: Uint8Array; readonly options: HashFileOptions };

export type HashReply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

const port = parentPort;
if (port === null) throw new Error('hash-worker must run in a worker thread');

port.on('message', (job: HashJob) => {
  const work = job.op === 'file' ? hashFile(job.input, job.options) : hashImageBytes(job.bytes, job.options);
  work.then(
    (result) => {
      port.postMessage({ id: job.id, ok: true, result } satisfies HashReply);
    },
    (error: unknown) => {
      // Only the error's code travels: messages may quote a path.
      const code = (error as { code?: unknown } | null)?.code;
      port.postMessage({ id: job.id, ok: false, error: typeof code === 'string' ? code : 'internal_error' } satisfies HashReply);
    },
  );
});
