// The portal's and the console's build: plain files under dist/, served by
// the API process (index.html for the portal, console.html for /console).
// No inline script (the CSP forbids it), no module-preload polyfill, workers as
// their own files (worker-src 'self').
import react from '@vitejs/plugin-react';
import { type PluginOption, defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // The plugin's types name the repository's other Vite (vitest's); the plugin itself works with this one.
  plugins: [react() as unknown as PluginOption],
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: { input: { index: `${import.meta.dirname}/index.html`, console: `${import.meta.dirname}/console.html` } },
  },
});
