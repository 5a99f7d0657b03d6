// Recovery codes, shown once, right after they are made: each signs in once without the phone.
// They can be saved as a text file or copied, and stay on screen until the person says they have
// kept them.

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveFile } from '../app/download';

export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Where the eye and the screen reader go next: these codes are not shown again.
  useEffect(() => heading.current?.focus(), []);
  const text = `${t('codes.fileTitle')}\n\n${codes.join('\n')}\n`;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied(t('codes.copied'));
    } catch {
      setCopied(t('codes.copyFailed'));
    }
  };

  return (
    <div className="recovery" data-testid="recovery-codes">
      <h3 className="section-title" tabIndex={-1} ref={heading}>
        {t('codes.title')}
      </h3>
      <p className="recovery-warning">{t('codes.warning')}</p>
      <ul className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <button
          type="button"
          className="button button-secondary"
          onClick={() => saveFile(new Blob([text], { type: 'text/plain' }), 'mingle-recovery-codes.txt')}
        >
          {t('codes.download')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => void copy()}>
          {t('codes.copy')}
        </button>
        <button type="button" className="button button-primary" onClick={onDone}>
          {t('codes.done')}
        </button>
        <span role="status" className="saved">
          {copied}
        </span>
      </div>
    </div>
  );
}
