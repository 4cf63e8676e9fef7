import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
// The backend is same-origin for the page through this proxy, as it is in production behind one
// reverse proxy: the token endpoint needs no CORS and keeps its Sec-Fetch-Site: same-origin check.
const backend = process.env.VITE_BACKEND_URL || 'http://127.0.0.1:8787';

export default defineConfig({
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      // Keys starting with ^ are regular expressions; a plain '/api' would also catch '/api-down'.
      // xfwd: append the visitor's address to X-Forwarded-For (and set X-Forwarded-Proto/Host), so
      // the backend, which trusts this proxy (COCALC_EMBED_TRUSTED_PROXIES=127.0.0.1 in
      // `pnpm start`), gives each visitor their own per-IP bucket instead of one for everybody.
      '^/api/': { target: backend, changeOrigin: false, xfwd: true },
      // "Backend down" in the failures page: a route to a port where nothing listens.
      '^/api-down/': { target: 'http://127.0.0.1:9', changeOrigin: false },
    },
  },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        index: resolve(here, 'index.html'),
        two: resolve(here, 'two.html'),
        failures: resolve(here, 'failures.html'),
        'how-it-works': resolve(here, 'how-it-works.html'),
      },
    },
  },
});
