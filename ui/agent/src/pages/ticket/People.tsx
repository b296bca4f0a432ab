// CCs and followers of a ticket: listed, removed and added at once
// (PUT /tickets/{id} with email_ccs / followers: [{user_id, action: put|delete}]).
import { useState } from 'react';
import { ApiError, put } from '../../api';
import { useI18n } from '../../i18n';
import { UserPicker } from './UserPicker';
import type { FullTicket } from './types';

type Kind = 'email_ccs' | 'followers';

export function CcsAndFollowers(props: {
  ticket: FullTicket;
  name: (id: number) => string;
  onSaving: () => void; // before the PUT: its live event is ours
  onChanged: (names: { id: number; name: string }[]) => Promise<void>;
  idPrefix: string;
}) {
  const { t } = useI18n();
  const [errors, setErrors] = useState<Partial<Record<Kind, string>>>({});
  const [busy, setBusy] = useState(false);

  const change = async (kind: Kind, userId: number, action: 'put' | 'delete', who?: { id: number; name: string }) => {
    setBusy(true);
    setErrors({});
    try {
      props.onSaving();
      await put(`/api/v2/tickets/${props.ticket.id}`, { ticket: { [kind]: [{ user_id: userId, action }] } });
      await props.onChanged(who ? [who] : []);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      const fe = e instanceof ApiError ? e.fieldErrors() : {};
      setErrors({ [kind]: fe[kind] || (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const block = (kind: Kind, heading: string, addLabel: string, ids: number[]) => {
    const errId = `${props.idPrefix}-${kind}-error`;
    return (
      <section className="people-block" aria-labelledby={`${props.idPrefix}-${kind}`} data-people={kind}>
        <h3 id={`${props.idPrefix}-${kind}`}>{heading}</h3>
        {ids.length === 0 ? (
          <p className="muted">{t('tk.nobody')}</p>
        ) : (
          <ul className="chips">
            {ids.map((id) => (
              <li key={id} className="chip">
                {props.name(id)}
                <button
                  type="button"
                  className="link"
                  disabled={busy}
                  onClick={() => void change(kind, id, 'delete')}
                  aria-label={t('tk.removePerson', { name: props.name(id) })}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
        )}
        <UserPicker
          label={addLabel}
          agentsOnly={kind === 'followers'}
          describedBy={errors[kind] ? errId : undefined}
          onPick={(p) => void change(kind, p.id, 'put', { id: p.id, name: p.name })}
        />
        {errors[kind] && (
          <span className="field-error" id={errId} role="alert">
            {errors[kind]}
          </span>
        )}
      </section>
    );
  };

  return (
    <div className="people">
      {block('email_ccs', t('tk.ccs'), t('tk.addCc'), props.ticket.email_cc_ids ?? [])}
      {block('followers', t('tk.followers'), t('tk.addFollower'), props.ticket.follower_ids ?? [])}
    </div>
  );
}
