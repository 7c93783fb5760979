/**
 * A form field with its own error under it: the input gets aria-invalid and aria-describedby pointing
 * at the error (and at its hint), so a screen reader reads the error with the field.
 */
import { useId, type ReactElement, type ReactNode } from 'react';
import { cloneElement } from 'react';

export function Field({
  label,
  error,
  hint,
  className = 'block text-sm',
  children,
}: {
  label: ReactNode;
  /** the message for this field only (no field name in front: the label says it) */
  error?: string | null;
  hint?: ReactNode;
  className?: string;
  /** one input, select or textarea */
  children: ReactElement<Record<string, unknown>>;
}) {
  const id = useId();
  const inputId = (children.props.id as string | undefined) ?? `${id}-input`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className}>
      <label htmlFor={inputId} className="text-slate-700">
        {label}
      </label>
      {cloneElement(children, {
        id: inputId,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy,
        className: `${(children.props.className as string | undefined) ?? ''} ${error ? 'border-red-600 ring-1 ring-red-600' : ''}`.trim(),
      })}
      {hint && (
        <p id={hintId} className="mt-0.5 text-xs text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="mt-0.5 text-xs text-red-800" data-testid="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Field errors of a failed request, and the rest as one message for an ErrorBox (null when all went to fields). */
export function splitErrors(error: unknown, fields: readonly string[]): { byField: Record<string, string>; rest: unknown } {
  const byField = (error as { fieldErrors?: Record<string, string> } | null)?.fieldErrors ?? {};
  const shown = Object.keys(byField).filter((k) => fields.includes(k));
  if (!error || shown.length === 0) return { byField: {}, rest: error };
  const others = Object.entries(byField).filter(([k]) => !fields.includes(k));
  return { byField, rest: others.length ? new Error(others.map(([k, v]) => (k ? `${k}: ${v}` : v)).join('; ')) : null };
}
