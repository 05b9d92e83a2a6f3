// The portal for browser tests: built by Vite into a temporary folder (each
// test file its own, so files running in parallel never share a build), and
// served by the real server, started in-process on PGlite in a temp folder,
// listening on 127.0.0.1 at a free port. The quick-exit site is a local page.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, type StartOptions, loadConfig, startServer } from '@disrupt/server';
import { build } from 'vite';
import { type LocalServer, serveLocal } from '../../../test/browser.ts';

export const WEB_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** Screenshots land here (gitignored), one folder per test file. */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'screenshots');

export async function buildPortal(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'disrupt-web-'));
  // vitest sets NODE_ENV=test, which would make the React plugin emit its
  // development JSX runtime: build what `npm start` serves.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: WEB_ROOT, configFile: join(WEB_ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = previous;
  }
  return outDir;
}

export interface Portal {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** The neutral page quick exit goes to. */
  readonly exitUrl: string;
  readonly server: RunningServer;
  close(): Promise<void>;
}

export const NEUTRAL_PAGE = '<!doctype html><html lang="en"><meta charset="utf-8"><title>Weather</title><h1>Weather</h1></html>';

/** `start.urlResolver` points test host names (a local content host) at 127.0.0.1 for the URL checker. */
export async function startPortal(options: { env?: Record<string, string>; start?: Pick<StartOptions, 'urlResolver'> } = {}): Promise<Portal> {
  const webDir = await buildPortal();
  const dataDir = mkdtempSync(join(tmpdir(), 'disrupt-portal-'));
  const neutral: LocalServer = await serveLocal((path) => (path === '/' || path === '/before' ? { type: 'text/html; charset=utf-8', body: NEUTRAL_PAGE } : undefined));
  const loaded = loadConfig({
    DISRUPT_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DISRUPT_WEB_DIR: webDir,
    DISRUPT_QUICK_EXIT_URL: `${neutral.origin}/`,
    ...options.env,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const server = await startServer(loaded.config, { listen: true, ...options.start });
  if (server.url === null) throw new Error('server did not listen');
  return {
    origin: server.url,
    exitUrl: `${neutral.origin}/`,
    server,
    async close() {
      await server.close();
      await neutral.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(webDir, { recursive: true, force: true });
    },
  };
}
