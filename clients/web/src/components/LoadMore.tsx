// "Load more" for a paged list (search results, older chat lines): one button that says while it
// loads, with what went wrong next to it.

import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();
  return (
    <div className="load-more">
      <button type="button" className="button button-ghost button-small" disabled={loading} onClick={onLoad}>
        {loading ? t('common.loadingEllipsis') : label}
      </button>
      <ErrorNote>{error}</ErrorNote>
    </div>
  );
}
