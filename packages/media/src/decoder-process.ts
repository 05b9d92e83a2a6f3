// Running a decoder (ffprobe, ffmpeg, heif-convert) to completion on hostile
// input: killed (SIGKILL) when it runs out of time or says more than we will
// hold, handed the descriptors its input needs, and never shown our other
// files (Node opens every descriptor close-on-exec; only `inherit` crosses).
//
// Should this process die first, the decoder does not linger: a writer to our
// stdout pipe gets EPIPE at its next write, and one that writes elsewhere
// (heif-convert) stops when its decode ends.

import { spawn } from 'node:child_process';

export interface DecoderRun {
  readonly code: number | null;
  /** Why we killed it, if we did. */
  readonly stopped: 'timeout' | 'overflow' | null;
  readonly stdout: Buffer;
}

export interface DecoderRunOptions {
  readonly timeoutMs: number;
  readonly maxStdoutBytes: number;
  /** Descriptors the decoder gets as its fd 3, 4, … */
  readonly inherit?: readonly number[];
}

/** Runs `command` and collects its standard output; 'missing' when it is not installed. */
export function runDecoder(command: string, args: readonly string[], options: DecoderRunOptions): Promise<DecoderRun | 'missing'> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore', ...(options.inherit ?? [])] });
    const chunks: Buffer[] = [];
    let length = 0;
    let stopped: DecoderRun['stopped'] = null;
    const stop = (why: 'timeout' | 'overflow') => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      stop('timeout');
    }, options.timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (stopped !== null) return;
      length += chunk.length;
      if (length > options.maxStdoutBytes) stop('overflow');
      else chunks.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') resolve('missing');
      else reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stopped, stdout: Buffer.concat(chunks) });
    });
  });
}
