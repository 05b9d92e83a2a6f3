// An in-memory CliIo for tests: what a command printed, and a stdin to feed.
import { Readable } from 'node:stream';
import type { CliIo } from './io.ts';

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(stdinText = '', cwd = process.cwd()): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    stdin: Readable.from([stdinText]),
    cwd,
    out: () => out,
    err: () => err,
  };
}
