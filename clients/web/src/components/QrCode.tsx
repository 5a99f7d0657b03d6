// A QR code drawn as SVG: one path of dark squares on a white square with the quiet zone the
// standard asks for, crisp at any size and in either colour scheme.

import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/** The light modules around the code that scanners need to find it. */
const QUIET = 4;

export function QrCode({ text, label, size = 192 }: { text: string; label: string; size?: number }) {
  const { count, path } = useMemo(() => {
    // Error correction "M": sturdy enough for a phone held at a screen, without a denser code.
    const code = qrcode(0, 'M');
    code.addData(text);
    code.make();
    const modules = code.getModuleCount();
    let d = '';
    for (let row = 0; row < modules; row++) {
      for (let col = 0; col < modules; col++) {
        if (code.isDark(row, col)) d += `M${col + QUIET} ${row + QUIET}h1v1h-1z`;
      }
    }
    return { count: modules + 2 * QUIET, path: d };
  }, [text]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${count} ${count}`}
      shapeRendering="crispEdges"
    >
      <rect width={count} height={count} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
