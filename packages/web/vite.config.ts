import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** The Stagecoach server a local `vite` dev server forwards API calls to. */
const devServerTarget = 'http://127.0.0.1:8080';

export default defineConfig({
  // The server hands out dist/ at the root path and falls back to index.html for client routes.
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': devServerTarget,
      '/healthz': devServerTarget,
    },
  },
  test: {
    environment: 'happy-dom',
    // Component tests only; the browser tests in e2e/ run under node:test against a real server.
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
    reporters: ['default', './plain-reporter.ts'],
  },
});
