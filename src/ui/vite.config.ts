// Builds the dashboard into src/ui/dist, which the API serves at `/`.
// JSX is compiled by Vite's own transformer (oxc) for Preact, so no framework plugin is needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev:ui`-style use: `npx vite --config src/ui/vite.config.ts` proxies the API of a running Loom.
const apiTarget = process.env.LOOM_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, ws: true },
      '/metrics': apiTarget,
    },
  },
});
