// The operator's dashboard is made of cards: each with a heading, some spanning the whole row, and
// tables that scroll sideways inside their card rather than widen the page.

import type { ReactNode } from 'react';

/**
 * A card with a heading; `wide` spans the whole row of the dashboard. `level` is the heading's:
 * 2 for a card of its own, 3 for one inside a section with a heading of its own.
 */
export function Panel({
  id,
  title,
  wide,
  level = 2,
  children,
}: {
  id: string;
  title: string;
  wide?: boolean;
  level?: 2 | 3;
  children: ReactNode;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section className={wide ? 'card ops-wide' : 'card'} aria-labelledby={`${id}-heading`} data-testid={id}>
      <Heading id={`${id}-heading`} className="section-title">
        {title}
      </Heading>
      {children}
    </section>
  );
}

/** A table that scrolls sideways inside its card on a narrow screen (reachable by keyboard). */
export function ScrollingTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      <table className="data-table">{children}</table>
    </div>
  );
}
