// The victim portal, served by the API's own process: its built files at `/`
// (index.html for each of its client routes) under a strict Content-Security-
// Policy, and GET /api/portal/config, the few settings the page needs.
//
// The files are read once at start and held in memory: the portal is a few
// hundred kilobytes, and nothing on disk is looked up from a request's path,
// so no path can reach outside the build folder.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Helpline, PortalConfig } from '../config.ts';
import { access } from '../http/access.ts';
import type { App } from '../http/app.ts';

/**
 * Self only: no inline script or style, no third party. Workers come from
 * 'self' (Vite emits the hashing worker as a file, so no blob: workers);
 * thumbnails and videos are shown from blob: URLs of the victim's own files,
 * which never leave the page; connect-src 'self' is the API.
 */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  'media-src blob:',
  "worker-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The analysts' console: the portal's rules, plus the revealed original shown
 * from a blob: URL (image or video) once an analyst asked for it. Nothing else
 * is loosened: the media itself comes from the API by fetch (connect-src).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  'media-src blob:',
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The portal's client routes: each answers index.html, and React picks the page. */
export const PORTAL_ROUTES = ['/', '/report', '/follow-up'] as const;

/** Where `vite build` writes, from this file: packages/server/src/portal → packages/web/dist. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

interface StaticFile {
  readonly type: string;
  readonly body: Buffer;
}

function readBuild(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const type = CONTENT_TYPES[extname(name)];
        if (type !== undefined) files.set(`/${relative(dir, path).split(sep).join('/')}`, { type, body: readFileSync(path) });
      }
    }
  };
  try {
    walk(dir);
  } catch {
    // Not built: the routes below say so rather than failing the whole server.
  }
  return files;
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Disrupt</title><p>The portal is not built. Run <code>npm run build -w @disrupt/web</code> (npm start does it).</p></html>`;

/** A helpline as the portal receives it (the console's GET /api/console/helplines answers the same shape). */
export const helplineSchema = z.object({
  name: z.string(),
  phone: z.string().optional(),
  url: z.string().optional(),
  minors: z.boolean().optional(),
  text: z.object({ fr: z.string().optional(), en: z.string().optional() }).optional(),
});

const portalConfigSchema = z.object({
  helplines: z.array(helplineSchema),
  quickExitUrl: z.string().describe('A neutral site the quick-exit button replaces the page with'),
  allowMinorMedia: z.boolean().describe('Whether files showing a minor may be sent for verification'),
});

export interface PortalOptions {
  readonly allowMinorMedia: boolean;
  /** The helplines to show now (the console's list once saved); the configuration's when absent. */
  readonly helplines?: () => Promise<readonly Helpline[]>;
}

export function portalRoutes(portal: PortalConfig, options: PortalOptions) {
  const dir = portal.webDir ?? DEFAULT_WEB_DIR;
  const files = readBuild(dir);
  const helplines = options.helplines ?? (() => Promise.resolve(portal.helplines));

  // One encapsulated area, as every other: its routes are all public (declared on each).
  const area = (app: App): Promise<void> => {
    app.get(
      '/api/portal/config',
      { config: { access: access.public }, schema: { tags: ['victim'], summary: "The portal's settings: helplines, quick-exit site, whether media of minors may be sent", response: { 200: portalConfigSchema } } },
      async () => ({ helplines: [...(await helplines())], quickExitUrl: portal.quickExitUrl, allowMinorMedia: options.allowMinorMedia }),
    );

    // The console's pages: console.html for /console and everything under it.
    for (const route of ['/console', '/console/*']) {
      app.get(route, { config: { access: access.public }, schema: { hide: true } }, (_request, reply) => {
        const page = files.get('/console.html');
        void reply.header('content-security-policy', CONSOLE_CSP).header('cache-control', 'no-store');
        if (page === undefined) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
        return reply.type(page.type).send(page.body);
      });
    }

    for (const route of PORTAL_ROUTES) {
      app.get(route, { config: { access: access.public }, schema: { hide: true } }, (_request, reply) => {
        const index = files.get('/index.html');
        void reply.header('content-security-policy', PORTAL_CSP).header('cache-control', 'no-store');
        if (index === undefined) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
        return reply.type(index.type).send(index.body);
      });
    }

    // Everything else the build holds (hashed assets, icons), by exact path only.
    app.get('/*', { config: { access: access.public }, schema: { hide: true } }, (request, reply) => {
      // The path as the router decoded it (never re-parsed from the URL's text: `//x` is not a URL path to `new URL`).
      const path = `/${(request.params as { '*'?: string })['*'] ?? ''}`;
      const file = path === '/index.html' || path === '/console.html' || path.startsWith('/api/') ? undefined : files.get(path);
      if (file === undefined) {
        reply.callNotFound();
        return reply;
      }
      void reply.header('content-security-policy', PORTAL_CSP);
      // Vite names assets by content hash: they never change under a name.
      if (path.startsWith('/assets/')) void reply.header('cache-control', 'public, max-age=31536000, immutable');
      return reply.type(file.type).send(file.body);
    });
    return Promise.resolve();
  };
  return async (root: App): Promise<void> => {
    await root.register(area);
  };
}

export type PortalPublicConfig = z.infer<typeof portalConfigSchema>;
