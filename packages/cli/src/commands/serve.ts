// disrupt serve: the server, on the embedded database by default.
import { parseArgs } from 'node:util';
import { loadConfig, startServer } from '@disrupt/server';
import { type CliIo, type Command, UsageError } from '../io.ts';

const USAGE = `Usage: disrupt serve [--port N] [--host H] [--data DIR]

Runs migrations and serves the API (and, in one process, the workers) on the
embedded database in DIR (default ./data), or on PostgreSQL when DATABASE_URL
is set. Other settings come from the environment (see the README).

  --port N    port to listen on (default 8080; 0 picks a free one)
  --host H    address to listen on (default 127.0.0.1)
  --data DIR  data folder (default ./data)`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the server (API and workers) on the embedded database or DATABASE_URL',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({ args: [...args], options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' } } });
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...(values.port === undefined ? {} : { PORT: values.port }),
      ...(values.host === undefined ? {} : { HOST: values.host }),
      ...(values.data === undefined ? {} : { DISRUPT_DATA_DIR: values.data }),
    };
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new UsageError(`bad configuration:\n  ${loaded.errors.join('\n  ')}`);
    let server;
    try {
      server = await startServer(loaded.config);
    } catch (error) {
      if (error instanceof Error && error.name === 'DataFolderBusyError') {
        io.stderr(`disrupt serve: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    io.stderr(`disrupt: serving on ${server.url ?? '?'} (${server.database.kind === 'pglite' ? `embedded database in ${loaded.config.dataDir}` : 'PostgreSQL'})\n`);
    if (server.firstAdminEnrolment !== null) {
      io.stderr(
        `disrupt: first start — enrol the first admin (admin@localhost) within 24 hours with this one-time link:\n  ${server.url ?? ''}/console/enrol#${server.firstAdminEnrolment}\n` +
          `  (the console pages come later; the token works with POST /api/console/enrol/start and /finish)\n`,
      );
    }
    const running = server;
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void running.close().finally(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
