// Draws the app's PNG icons (public/icons/*.png) from their SVG sources with Debian's Chromium,
// for the places that want bitmaps: the web app manifest, the home screen on iOS and
// notifications. Run `node scripts/icons.mjs` after changing an SVG; the PNGs are committed.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const icons = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'public', 'icons');

// [source, output, size in px]. "any" icons keep their rounded corners (transparent outside);
// maskable ones and Apple's fill the square, because the platform cuts its own shape.
const renders = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['icon-maskable.svg', 'icon-maskable-512.png', 512],
  ['icon-maskable.svg', 'apple-touch-icon.png', 180],
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage();
  for (const [source, output, size] of renders) {
    const svg = readFileSync(join(icons, source)).toString('base64');
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<body style="margin:0"><img src="data:image/svg+xml;base64,${svg}" width="${size}" height="${size}"></body>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: join(icons, output), omitBackground: true });
    console.log(`${output} (${size} px)`);
  }
} finally {
  await browser.close();
}
