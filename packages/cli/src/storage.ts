// The storage a command works on: the embedded database in --data DIR (or
// ./data), or DATABASE_URL. A data folder a running server holds is refused
// with a clear message (exit code 1), never opened twice.
import { resolve } from 'node:path';
import { type Config, type OpenStorage, loadConfig, openStorage } from '@disrupt/server';
import { type CliIo, UsageError } from './io.ts';

export async function withStorage(io: CliIo, command: string, data: string | undefined, work: (storage: OpenStorage, config: Config) => Promise<number>): Promise<number> {
  const loaded = loadConfig({ ...process.env, ...(data === undefined ? {} : { DISRUPT_DATA_DIR: resolve(io.cwd, data) }), LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new UsageError(`bad configuration:\n  ${loaded.errors.join('\n  ')}`);
  let storage: OpenStorage;
  try {
    storage = await openStorage(loaded.config, command);
  } catch (error) {
    if (error instanceof Error && error.name === 'DataFolderBusyError') {
      io.stderr(`disrupt ${command.split(' ')[0]}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  try {
    return await work(storage, loaded.config);
  } finally {
    await storage.close();
  }
}
