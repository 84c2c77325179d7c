import { defineConfig } from 'vite'

// No React plugin: esbuild compiles TSX itself (the automatic runtime), which keeps `npm ci` free of
// Babel. Fast Refresh is the only loss, and the dashboard is built, not developed, in CI.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script> for the CSP: the module preload polyfill would be one.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
    rollupOptions: {
      // Radix marks its modules "use client" for server components; a SPA bundle ignores that.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning)
      },
    },
  },
  server: { proxy: Object.fromEntries(['/v1', '/account', '/admin', '/files', '/openapi.json', '/docs'].map((p) => [p, 'http://127.0.0.1:8080'])) },
})
