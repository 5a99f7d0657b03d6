/// <reference types="vitest/config" />
// Vite builds the app into dist/, which the server serves at `/`. In development, `npm run dev`
// proxies the API and the WebSocket to a server on MINGLE_API (default 127.0.0.1:8080).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.MINGLE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api/v1/ws': { target: api, ws: true },
      '/api': api,
    },
  },
  build: { chunkSizeWarningLimit: 900 },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
