// Small building blocks shared by the screens.

import { InputHTMLAttributes, KeyboardEvent, ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reasonText } from '../i18n/serverText';
import { type EventWhen, hue, initials } from './format';
import { type FieldProblems, problemId } from '../app/forms';

export function Avatar({ id, name, size = 40 }: { id: string; name: string; size?: number }) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        fontSize: size * 0.38,
        background: `hsl(${hue(id)} 70% 93%)`,
        color: `hsl(${hue(id)} 60% 25%)`,
      }}
    >
      {initials(name)}
    </span>
  );
}

/** An event's time on its one clock, after a "Live now" badge while it is on. */
export function EventTimeText({ when }: { when: EventWhen }) {
  const { t } = useTranslation();
  return (
    <>
      {when.live && <span className="status status-live">{t('event.liveNow')}</span>}{' '}
      <span className="event-time">{when.text}</span>
    </>
  );
}

/**
 * A labelled input in its `.field` box (`grow`: taking the room left in a row), with an optional
 * hint under it, and the problem `check` holds for the API field `field` (marked invalid, said
 * under it).
 */
export function TextField({
  label,
  field,
  check,
  hint,
  grow,
  ...input
}: {
  id: string;
  label: ReactNode;
  field: string;
  check: FieldProblems;
  hint?: ReactNode;
  grow?: boolean;
} & InputHTMLAttributes<HTMLInputElement>) {
  const hintId = hint ? `${input.id}-hint` : undefined;
  return (
    <div className={grow ? 'field field-grow' : 'field'}>
      <label htmlFor={input.id}>{label}</label>
      <input {...input} {...check.field(field, hintId)} />
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      <FieldProblem field={field} problems={check.problems} />
    </div>
  );
}

/** What is wrong with one field, under it (its id is `problemId(field)`). */
export function FieldProblem({ field, problems }: { field: string; problems: Record<string, string> }) {
  if (!problems[field]) return null;
  return (
    <p className="field-problem" id={problemId(field)}>
      {problems[field]}
    </p>
  );
}

/** A bar as wide as `share` of its track; the numbers beside it say the same in words. */
export function Bar({ share, tone = 'accent' }: { share: number; tone?: 'accent' | 'green' }) {
  const width = `${Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10}%`;
  return (
    <span className="bar" aria-hidden="true">
      <span className={`bar-fill bar-${tone}`} style={{ width }} />
    </span>
  );
}

/**
 * A question answered in place before an action a second click should not take by accident:
 * the safe answer has focus, so a second Enter does nothing, and answering "no" (Cancel or
 * Escape) gives focus back to the button that asked. `tone` is the confirming button's:
 * `danger` for what takes something away, `accent` for what only moves things on.
 */
export function ConfirmInPlace({
  question,
  confirmLabel,
  tone = 'danger',
  busy,
  onConfirm,
  onCancel,
}: {
  question: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'accent';
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const questionId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    opener.current = document.activeElement;
    cancel.current?.focus();
  }, []);
  const dismiss = () => {
    onCancel();
    if (opener.current instanceof HTMLElement) opener.current.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      dismiss();
    }
  };
  return (
    <div
      className={tone === 'danger' ? 'confirm' : 'confirm confirm-accent'}
      role="group"
      aria-labelledby={questionId}
      onKeyDown={onKeyDown}
    >
      <p id={questionId}>{question}</p>
      <div className="button-row">
        <button
          type="button"
          className={`button ${tone === 'danger' ? 'button-danger' : 'button-primary'} button-small`}
          disabled={busy}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
        <button type="button" ref={cancel} className="button button-ghost button-small" onClick={dismiss}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}

export function ErrorNote({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="error-note" role="alert">
      {children}
    </p>
  );
}

export function Spinner({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="spinner" role="status">
      <span className="spinner-dot" aria-hidden="true" /> {label ?? t('common.loading')}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Chips({ items, tone = 'plain' }: { items: string[]; tone?: 'plain' | 'accent' }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <ul className="chips" aria-label={t('common.tags')}>
      {items.map((item) => (
        <li key={item} className={`chip chip-${tone}`}>
          {item}
        </li>
      ))}
    </ul>
  );
}

export function Reasons({ reasons }: { reasons: string[] }) {
  const { t } = useTranslation();
  if (reasons.length === 0) return null;
  return (
    <ul className="reasons" aria-label={t('common.why')}>
      {reasons.map((r) => (
        <li key={r}>{reasonText(r)}</li>
      ))}
    </ul>
  );
}

/**
 * A list of short phrases (interests, tags): type and press Enter or comma to add, Backspace on
 * an empty field or a chip's button to remove.
 */
export function TagInput({
  label,
  value,
  onChange,
  placeholder,
  hint,
}: {
  label: string;
  value: string[];
  onChange: (v: string[]) => void;
  placeholder?: string;
  hint?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState('');
  const add = (raw: string) => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .filter((s) => !value.some((v) => v.toLowerCase() === s.toLowerCase()));
    if (items.length) onChange([...value, ...items]);
    setDraft('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      add(draft);
    } else if (e.key === 'Backspace' && draft === '' && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="tag-input">
        {value.map((v) => (
          <span key={v} className="chip chip-accent">
            {v}
            <button
              type="button"
              className="chip-remove"
              aria-label={t('common.remove', { item: v })}
              onClick={() => onChange(value.filter((x) => x !== v))}
            >
              ×
            </button>
          </span>
        ))}
        <input
          id={id}
          value={draft}
          placeholder={placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => draft && add(draft)}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
      </div>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** Moves focus to the page's heading when a screen opens, so screen readers announce it. */
export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div className="page-title">
      <h1 ref={ref} tabIndex={-1} dir="auto">
        {children}
      </h1>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** Tabs that follow the WAI-ARIA pattern: arrow keys move between them. */
export function Tabs<T extends string>({
  tabs,
  active,
  onChange,
  label,
}: {
  tabs: { id: T; label: ReactNode }[];
  active: T;
  onChange: (t: T) => void;
  label: string;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = (index + delta + tabs.length) % tabs.length;
    onChange(tabs[next].id);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={active === t.id}
          aria-controls={`panel-${t.id}`}
          tabIndex={active === t.id ? 0 : -1}
          className="tab"
          onClick={() => onChange(t.id)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
