import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HELPLINES } from '../config.ts';
import { type App, buildApp } from '../http/app.ts';
import { createLogger } from '../logger.ts';
import { CONSOLE_CSP, PORTAL_CSP, PORTAL_ROUTES, portalRoutes } from './portal.routes.ts';

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const INDEX = '<!doctype html><title>portal</title><script type="module" src="/assets/index-abc.js"></script>';
const CONSOLE = '<!doctype html><title>console</title><script type="module" src="/assets/console-abc.js"></script>';

describe('portal routes', () => {
  const webDir = mkdtempSync(join(tmpdir(), 'disrupt-portal-routes-'));
  let app: App;
  let unbuilt: App;

  beforeAll(async () => {
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), INDEX);
    writeFileSync(join(webDir, 'console.html'), CONSOLE);
    writeFileSync(join(webDir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(webDir, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(webDir, 'secret.key'), 'not served: unknown type');
    const logger = createLogger({ level: 'silent' });
    const portal = { helplines: DEFAULT_HELPLINES, quickExitUrl: 'https://neutral.example/', webDir };
    app = await buildApp({ logger, plugins: [portalRoutes(portal, { allowMinorMedia: false })] });
    unbuilt = await buildApp({ logger, plugins: [portalRoutes({ ...portal, webDir: join(webDir, 'missing') }, { allowMinorMedia: true })] });
  });
  afterAll(async () => {
    await app.close();
    await unbuilt.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('GET /api/portal/config: helplines, quick-exit site, minors media setting, under the API CSP', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/portal/config' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ helplines: JSON.parse(JSON.stringify(DEFAULT_HELPLINES)) as unknown, quickExitUrl: 'https://neutral.example/', allowMinorMedia: false });
    expect(response.headers['content-security-policy']).toBe(API_CSP);
    expect(response.headers['cache-control']).toBe('no-store');
    expect((await unbuilt.inject({ method: 'GET', url: '/api/portal/config' })).json()).toMatchObject({ allowMinorMedia: true });
  });

  it.each(PORTAL_ROUTES)('GET %s: index.html under the portal CSP, not cached', async (route) => {
    const response = await app.inject({ method: 'GET', url: route });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe(INDEX);
    expect(response.headers['content-security-policy']).toBe(PORTAL_CSP);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('the CSP allows this origin only: no inline script or style, no third party', () => {
    expect(PORTAL_CSP).toContain("default-src 'none'");
    expect(PORTAL_CSP).toContain("script-src 'self'");
    expect(PORTAL_CSP).toContain("style-src 'self'");
    expect(PORTAL_CSP).toContain("worker-src 'self'");
    expect(PORTAL_CSP).toContain("connect-src 'self'");
    expect(PORTAL_CSP).not.toMatch(/unsafe|https?:|\*/);
  });

  it.each(['/console', '/console/login', '/console/items/4f1c2b1e-8d2a-4b5e-9a51-0c6d2f3b7a10', '/console/admin/audit'])('GET %s: console.html under the console CSP, not cached', async (route) => {
    const response = await app.inject({ method: 'GET', url: route });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(CONSOLE);
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it("the console's CSP only adds blob: media (a revealed original), nothing else", () => {
    expect(CONSOLE_CSP).toContain('media-src blob:');
    expect(CONSOLE_CSP).not.toMatch(/unsafe|https?:|\*|worker-src/);
  });

  it('serves built assets by exact path, immutable', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-security-policy']).toBe(PORTAL_CSP);
    expect((await app.inject({ method: 'GET', url: '/assets/index-abc.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for anything else: unknown paths, other file types, traversal, unknown API routes', async () => {
    for (const url of ['/nope', '/console.html', '/secret.key', '/assets/../secret.key', '/assets/%2e%2e/index.html', '/index.html', '/api/nope']) {
      const response = await app.inject({ method: 'GET', url });
      expect([url, response.statusCode]).toEqual([url, 404]);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
      expect(response.headers['content-security-policy']).toBe(API_CSP);
    }
  });

  it('says how to build when the portal is not built', async () => {
    const response = await unbuilt.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(503);
    expect((await unbuilt.inject({ method: 'GET', url: '/console/queue' })).statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
    expect(response.headers['content-security-policy']).toBe(PORTAL_CSP);
  });
});
