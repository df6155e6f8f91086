// Vite build of the operator console: root web/, output web/dist (served by
// server/src/platform/http/web.ts). `scripts/build-web.ts` runs it when a source changed.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Everything from our own origin as files: the CSP allows no inline script or style.
    assetsInlineLimit: 0,
  },
  // `vite` dev server for console work: the API of a running `./vigie demo`.
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8080' } },
});
