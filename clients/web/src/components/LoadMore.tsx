// "Load more" for a paged list (search results, older chat lines): one button that says while it
// loads, with what went wrong next to it.

import { ErrorNote } from './ui';

export function LoadMore({
  label,
  loading,
  error,
  onLoad,
}: {
  label: string;
  loading: boolean;
  error?: string | null;
  onLoad: () => void;
}) {
  return (
    <div className="load-more">
      <button type="button" className="button button-ghost button-small" disabled={loading} onClick={onLoad}>
        {loading ? 'Loading…' : label}
      </button>
      <ErrorNote>{error}</ErrorNote>
    </div>
  );
}
