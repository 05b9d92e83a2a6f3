// A whole server in-process on each back end, with its logs captured, for
// HTTP tests through app.inject().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { backends, createScratchDatabase } from './databases.ts';

export interface ServerFixture {
  readonly server: () => RunningServer;
  readonly dataDir: string;
  /** Everything the server logged so far. */
  readonly logs: () => string;
}

/** `env`: extra settings for this suite's server (e.g. DISRUPT_PARTNER_WEBHOOK_ALLOW_HTTP). */
export function describeServer(name: string, suite: (fixture: ServerFixture) => void, extraEnv: Record<string, string> = {}): void {
  for (const backend of backends()) {
    describe(`${name} [${backend}]`, () => {
      let server: RunningServer | undefined;
      let drop: (() => Promise<void>) | undefined;
      let logs = '';
      const dataDir = mkdtempSync(join(tmpdir(), 'disrupt-server-'));
      beforeAll(async () => {
        const env: Record<string, string> = { DISRUPT_DATA_DIR: dataDir, LOG_LEVEL: 'debug', DISRUPT_MAX_UPLOAD_BYTES: String(8 * 1024 * 1024), ...extraEnv };
        if (backend === 'postgres') {
          const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
          drop = scratch.drop;
          env.DATABASE_URL = scratch.url;
        }
        const config = loadConfig(env);
        if (!config.ok) throw new Error(config.errors.join('; '));
        const destination = new Writable({
          write(chunk: Buffer, _encoding, done) {
            logs += chunk.toString('utf8');
            done();
          },
        });
        server = await startServer(config.config, { listen: false, logDestination: destination });
      });
      afterAll(async () => {
        await server?.close();
        await drop?.();
        rmSync(dataDir, { recursive: true, force: true });
      });
      suite({
        server: () => {
          if (!server) throw new Error('server not started');
          return server;
        },
        dataDir,
        logs: () => logs,
      });
    });
  }
}

/** A multipart/form-data body with one "file" field, as the portal sends media. */
export function multipart(bytes: Uint8Array, filename = 'upload.bin'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----disrupt-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.from(bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
