// What a command may touch of the outside world, passed in so that tests run
// commands in-process and read what they printed.
import type { Readable } from 'node:stream';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: Readable;
  readonly cwd: string;
}

export interface Command {
  /** Stable literal name: what the user types. */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Returns the process exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A usage error: the command line itself is wrong (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
