// What the analytics charts share: their axes' look, a legend and tooltip in the order the lines
// are drawn (Recharts sorts them by name otherwise, which differs from language to language), and
// model versions as short names.

export const AXIS_TICK = { fontSize: 12, fill: '#6b7280' };
export const GRID_STROKE = '#e5e7eb';
export const LEGEND_STYLE = { fontSize: 13, paddingBottom: 8 };
/** A tooltip's lines in the page's ink: in the series' own colours some would be too faint to read. */
export const TOOLTIP_ITEM = { color: '#111827' };

/** Sorts a legend's or a tooltip's items as `keys` lists their data keys. */
export function seriesOrder(keys: readonly string[]): (item: { dataKey?: unknown }) => number {
  return (item) => keys.indexOf(String(item.dataKey));
}

/** A version's name as an axis tick or a table's row: fingerprints are long, their start tells them apart. */
export const shortVersion = (version: string) => (version.length > 12 ? `${version.slice(0, 10)}…` : version);
