// Where uploaded media wait for an analyst: encrypted blobs, by object id.
// The store never sees plaintext; the service encrypts under the case's key
// before `put`. Local folder by default; an S3-compatible store in production
// implements the same interface.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface MediaStore {
  /** Stores a blob; once this resolves the blob is durable (fsync) and complete (atomic rename). */
  put(objectId: string, blob: Uint8Array): Promise<void>;
  /** The blob, or null when it was never stored or is deleted. */
  get(objectId: string): Promise<Uint8Array | null>;
  /** Deletes a blob; deleting a missing blob is fine. */
  delete(objectId: string): Promise<void>;
}

const OBJECT_ID = /^[0-9a-f-]{36}$/;

function checkId(objectId: string): void {
  // Object ids are UUIDs we generate; anything else could walk out of the folder.
  if (!OBJECT_ID.test(objectId)) throw new RangeError('invalid media object id');
}

export class LocalMediaStore implements MediaStore {
  constructor(private readonly dir: string) {}

  private path(objectId: string): string {
    checkId(objectId);
    return join(this.dir, objectId.slice(0, 2), `${objectId}.enc`);
  }

  async put(objectId: string, blob: Uint8Array): Promise<void> {
    const path = this.path(objectId);
    await mkdir(join(this.dir, objectId.slice(0, 2)), { recursive: true, mode: 0o700 });
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(blob);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  }

  async get(objectId: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.path(objectId));
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(objectId: string): Promise<void> {
    await rm(this.path(objectId), { force: true });
  }
}
