// The frame the rule pages share: a list screen's heading with its "New" link, hint and
// messages (error, live status, loading, empty), and an editor's closing bar (the error
// that names no field, Save, the saved notice).
import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n';
import { onLinkClick } from '../../../router';

export function ListFrame(props: {
  headingId: string;
  title: string;
  newHref: string;
  newLabel: string;
  hint?: string;
  error: string | null;
  status: string;
  count: number | null; // null while loading
  children: ReactNode; // the table, shown when there is a row
}) {
  const { t } = useI18n();
  return (
    <section className="rules" aria-labelledby={props.headingId}>
      <div className="rules-head">
        <h1 id={props.headingId}>{props.title}</h1>
        <a className="button primary" href={props.newHref} onClick={onLinkClick}>
          {props.newLabel}
        </a>
      </div>
      {props.hint && <p className="hint">{props.hint}</p>}
      {props.error && (
        <p role="alert" className="error">
          {props.error}
        </p>
      )}
      <p role="status" className="visually-hidden">
        {props.status}
      </p>
      {props.count === null && !props.error && <p role="status">{t('app.loading')}</p>}
      {props.count === 0 && <p>{t('rules.empty')}</p>}
      {props.count !== null && props.count > 0 && props.children}
    </section>
  );
}

export function SaveBar(props: { general: string | null; saving: boolean; saved: string }) {
  const { t } = useI18n();
  return (
    <>
      {props.general && (
        <p className="error" role="alert">
          {props.general}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={props.saving}>
          {t('rules.save')}
        </button>
        <span role="status">{props.saved}</span>
      </div>
    </>
  );
}
