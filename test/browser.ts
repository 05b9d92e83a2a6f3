// Headless Chromium for tests: Debian's /usr/bin/chromium driven by
// playwright-core (no browser download), a loopback-only HTTP server to feed
// it, and an in-memory esbuild bundle of the code under test. Shared by every
// browser test (the PDQ vectors, the victim portal, the console).
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BuildOptions, build } from 'esbuild';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium tries to reach Google's
// services at start, which this closed network refuses.
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}

/** What `withChromium` hands its callback: a page in a fresh context, and every URL it has requested so far. */
export interface ChromiumSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly requests: readonly string[];
}

/** Launches Chromium, opens a page in a fresh context, runs `fn`, and closes the browser whatever happens. */
export async function withChromium<T>(fn: (session: ChromiumSession) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = recordRequests(page);
    return await fn({ browser, context, page, requests });
  } finally {
    await browser.close();
  }
}

/** Records every request a page makes, so a test can prove none left the machine. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    urls.push(request.url());
  });
  return urls;
}

/** True for loopback HTTP (127.0.0.1, where `serveLocal` listens) and for schemes that never touch the network. */
export function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return (protocol === 'http:' || protocol === 'https:') && hostname === '127.0.0.1';
}

/** A route's answer: a body and its content type, or undefined for 404. */
export interface Served {
  readonly type: string;
  readonly body: string | Uint8Array;
}

export interface LocalServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `route(path)` on 127.0.0.1 at an ephemeral port; GET only, 404 when `route` returns undefined. */
export async function serveLocal(route: (path: string) => Served | undefined): Promise<LocalServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const served = req.method === 'GET' ? route(path) : undefined;
    if (served === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': served.type, 'cache-control': 'no-store' }).end(served.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

/**
 * esbuild options for a browser bundle held in memory. platform 'browser'
 * leaves Node's built-ins unresolvable, so code that imports node:* fails to build.
 */
export const BROWSER_BUILD = {
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** Bundles `entry` as a classic script that sets `globalThis[globalName]` to the module's exports. */
export async function bundleForBrowser(entry: string, globalName: string): Promise<string> {
  const result = await build({ ...BROWSER_BUILD, entryPoints: [entry], globalName });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
