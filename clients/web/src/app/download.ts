// Files the app hands to the browser to save: a download made from data already in the page (a
// calendar file, an export fetched with the person's token), since a plain link cannot carry the
// bearer token.

/**
 * The file name a `Content-Disposition` header suggests (`attachment; filename="x.csv"`, or the
 * RFC 6266 `filename*=UTF-8''...` form, which wins), without any folder in it; null when it has none.
 */
export function attachmentName(header: string | null | undefined): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)/i.exec(header);
  let name: string | null = null;
  if (extended) {
    try {
      name = decodeURIComponent(extended[2].trim());
    } catch {
      name = null;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
    name = plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2].trim()) : null;
  }
  const base = name?.split(/[/\\]/).pop()?.trim();
  return base ? base : null;
}

/** Saves `file` as `name` through a temporary link, as a click on a download link would. */
export function saveFile(file: Blob, name: string): void {
  const href = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the file after the click returns; the URL is freed once they are done.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
