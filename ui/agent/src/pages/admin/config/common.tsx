// Pieces shared by the admin configuration pages: a labelled field with its API error
// next to it, an action's error or notice, and a hook that loads a list and reloads it.
import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { ApiError } from '../../../api';
import { useI18n } from '../../../i18n';
import './config.css';

// A failed call as the form shows it: per-field messages (422 details) and one for the action.
export interface Failure {
  fields: Record<string, string>;
  message: string | null;
}

export const noFailure: Failure = { fields: {}, message: null };

export function failureOf(e: unknown): Failure {
  if (e instanceof ApiError) {
    // The details name the fields ("email"), shown next to them; the description sums up
    // at the action (a detail may name something the form has no field for).
    return { fields: e.fieldErrors(), message: e.message };
  }
  return { fields: {}, message: String((e as Error)?.message ?? e) };
}

// A label, the control, a hint and the field's error (aria-describedby, aria-invalid).
export function Field(props: {
  label: string;
  error?: string;
  hint?: string;
  children: (a: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="cfg-field">
      <label htmlFor={id}>{props.label}</label>
      {props.children({
        id,
        'aria-describedby': described || undefined,
        'aria-invalid': props.error ? true : undefined,
      })}
      {props.hint && (
        <span className="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span className="field-error" id={`${id}-error`}>
          {props.error}
        </span>
      )}
    </div>
  );
}

// The message of an action (an error in role=alert, a success in role=status).
export function Outcome(props: { failure?: Failure; done?: string | null }) {
  return (
    <>
      {props.failure?.message && (
        <p role="alert" className="error">
          {props.failure.message}
        </p>
      )}
      {props.done && (
        <p role="status" className="notice">
          {props.done}
        </p>
      )}
    </>
  );
}

// Loads `load()` now and whenever reload() is called; keeps the last error.
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    run()
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: unknown) => live && setError(failureOf(e).message ?? String(e)));
    return () => {
      live = false;
    };
  }, [run, n]);
  return { data, error, reload: () => setN((x) => x + 1) };
}

export function Loading(props: { error: string | null }) {
  const { t } = useI18n();
  return props.error ? (
    <p role="alert" className="error">
      {props.error}
    </p>
  ) : (
    <p className="loading" role="status">
      {t('app.loading')}
    </p>
  );
}

// A confirmation before a destructive action (the browser's dialog: keyboard and screen
// reader friendly as it is).
export function confirmed(text: string): boolean {
  return window.confirm(text);
}

// An editor's buttons: Save (Create for a new record) and, for an existing one, Delete.
export function SaveOrDelete(props: { existing: boolean; onDelete: () => void }) {
  const { t } = useI18n();
  return (
    <div className="cfg-actions">
      <button className="primary" type="submit">
        {props.existing ? t('cfg.save') : t('cfg.create')}
      </button>
      {props.existing && (
        <button type="button" className="danger" onClick={props.onDelete}>
          {t('cfg.delete')}
        </button>
      )}
    </div>
  );
}
