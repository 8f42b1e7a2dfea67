import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The C++ server serves dist/index.html for "/" and the bundle under /assets/ with a strict CSP
// (no inline scripts or styles), so component CSS must be emitted as files, never injected.
export default defineConfig({
  plugins: [svelte({ compilerOptions: { css: 'external' } })],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // Inlined assets would become data: URLs in CSS/JS; keep every asset a file under /assets/.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  server: {
    // `npm run dev` forwards API calls to a locally running server.
    proxy: { '/api': process.env.SG_API_URL ?? 'http://127.0.0.1:8099' },
  },
});
