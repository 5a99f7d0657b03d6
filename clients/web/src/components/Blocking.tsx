// Blocking someone, asked twice and undoable: an inline question before the block, and a short
// note with "Undo" after it, since a block hides both people from each other at once.

import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmInPlace } from './ui';

/** How long the "Undo" note stays once it is neither hovered nor focused. */
const UNDO_MS = 8000;

/** "Block Ada?" with the consequences, answered in place; Escape or Cancel keeps things as they are. */
export function BlockConfirm({
  name,
  busy,
  onConfirm,
  onCancel,
}: {
  name: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <ConfirmInPlace
      question={t('block.question', { name })}
      confirmLabel={t('block.confirm')}
      busy={busy}
      onConfirm={onConfirm}
      onCancel={onCancel}
    />
  );
}

/**
 * "Ada is blocked. Undo" for a few seconds. It takes focus (the button that blocked is gone), and
 * stays while it is hovered or focused, so nobody loses it mid-reach.
 */
export function UndoNote({
  message,
  busy,
  onUndo,
  onExpire,
}: {
  message: string;
  busy: boolean;
  onUndo: () => void;
  onExpire: () => void;
}) {
  const { t } = useTranslation();
  const undo = useRef<HTMLButtonElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const expire = useRef(onExpire);
  useEffect(() => {
    expire.current = onExpire;
  }, [onExpire]);
  const pause = () => clearTimeout(timer.current);
  const resume = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => expire.current(), UNDO_MS);
  };
  useEffect(() => {
    timer.current = setTimeout(() => expire.current(), UNDO_MS);
    undo.current?.focus();
    return () => clearTimeout(timer.current);
  }, []);
  return (
    <div className="undo-note" role="status" onMouseEnter={pause} onMouseLeave={resume} onFocus={pause} onBlur={resume}>
      <span>{message}</span>
      <button type="button" ref={undo} className="link-button" disabled={busy} onClick={onUndo}>
        {t('block.undo')}
      </button>
    </div>
  );
}
