// Plaintext that a decoder process must read as a file, because it seeks (an
// MP4 whose index, the moov box, follows its frames) or wants paths
// (heif-convert), lives in a file that has no name. It is created (O_EXCL,
// mode 0600) in RAM-backed /dev/shm when there is one and unlinked at once,
// before a byte is written; the decoder inherits the open descriptor and opens
// it again as /dev/fd/N: a new open file description of the same inode, so it
// can seek (`pipe:N` could not) without moving our offset.
//
// The kernel frees the bytes when the last descriptor closes (ours, the
// decoder's), whatever kills us: a crash or a SIGKILL leaves nothing to find,
// at worst an empty file if it strikes between open and unlink. So nothing
// sweeps folders at start, which would delete the live files of other replicas
// sharing the machine.

import { randomBytes } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An open descriptor of this process, e.g. of an unlinked file; its owner closes it, after the decode. */
export interface OpenFile {
  readonly fd: number;
}

/** What to decode: a path, or an open file. */
export type MediaInput = string | OpenFile;

/** The path a decoder process opens to read `input`, and the descriptors to hand it (as fd 3, 4, …) for that path to exist. */
export function decoderSource(input: MediaInput): { readonly path: string; readonly inherit: readonly number[] } {
  return typeof input === 'string' ? { path: input, inherit: [] } : { path: '/dev/fd/3', inherit: [input.fd] };
}

/** A new, empty, readable and writable file with no name, in RAM when the machine has /dev/shm. */
export async function createUnlinkedFile(): Promise<FileHandle> {
  let failure: unknown;
  for (const folder of ['/dev/shm', tmpdir()]) {
    const path = join(folder, `disrupt-${randomBytes(16).toString('hex')}`);
    let handle: FileHandle;
    try {
      handle = await open(path, 'wx+', 0o600);
    } catch (error) {
      failure = error;
      continue; // no /dev/shm (macOS, some containers): the temporary folder
    }
    try {
      await unlink(path);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle;
  }
  throw failure;
}

/** Runs `use` on `bytes` held in an unlinked file, then closes it (which frees the bytes once the decoders are gone too). */
export async function withUnlinkedFile<T>(bytes: Uint8Array, use: (file: OpenFile) => Promise<T>): Promise<T> {
  const handle = await createUnlinkedFile();
  try {
    await handle.writeFile(bytes);
    return await use({ fd: handle.fd });
  } finally {
    await handle.close();
  }
}
