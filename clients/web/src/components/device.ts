// A signed-in device as people recognise it, from the user agent its browser or app sent:
// "Chrome on Linux", "Safari on iPhone". What is not a known browser is named by its first word
// ("curl", "node"), and nothing at all by the caller's fallback.

/** A device's browser and system; either may be missing. */
export interface DeviceParts {
  browser: string | null;
  system: string | null;
  /** The user agent's own first word, for agents that are neither a known browser nor system. */
  agent: string | null;
}

// Order matters: Edge, Opera and Samsung's browser also say "Chrome", Chrome also says "Safari".
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bYaBrowser\//, 'Yandex Browser'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bCriOS\//, 'Chrome'],
  [/\bChromium\//, 'Chromium'],
  [/\b(?:Headless)?Chrome\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\bMingle\//, 'Mingle app'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

export function deviceParts(userAgent: string): DeviceParts {
  const ua = userAgent.trim();
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? null;
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1] ?? null;
  const first = /^([A-Za-z][\w.-]{0,30})/.exec(ua)?.[1] ?? null;
  return { browser, system, agent: browser || system ? null : first };
}
