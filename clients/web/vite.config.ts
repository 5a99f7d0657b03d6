/// <reference types="vitest/config" />
// Vite builds the app into dist/, which the server serves at `/`. In development, `npm run dev`
// proxies the API and the WebSocket to a server on MINGLE_API (default 127.0.0.1:8080).
// vite-plugin-pwa writes the web app manifest and builds the service worker (src/sw.ts, served as
// /sw.js) with the list of every built file to precache; it stays out of `npm run dev`.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const api = process.env.MINGLE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // The app registers the worker itself (src/pwa/AppUpdate.tsx) and offers a new version
      // rather than reloading under someone.
      registerType: 'prompt',
      injectRegister: false,
      // Every built file once: the manifest and its icons are found here, not added a second time.
      injectManifest: { globPatterns: ['**/*.{js,css,html,svg,png}'] },
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: 'Mingle',
        short_name: 'Mingle',
        description: 'Find events, see who is there, and meet the right people.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        // The app's accent and page colours (src/styles.css).
        theme_color: '#4f46e5',
        background_color: '#f6f7fb',
        icons: [
          { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  server: {
    proxy: {
      '/api/v1/ws': { target: api, ws: true },
      '/api': api,
    },
  },
  build: { chunkSizeWarningLimit: 900 },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/i18n/testSetup.ts'],
  },
});
