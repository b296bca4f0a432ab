// A person search: type a name (autocomplete) or an email (search); matches are buttons.
import { useEffect, useId, useState } from 'react';
import { get } from '../../api';
import { useI18n } from '../../i18n';
import type { Person } from './types';

export function UserPicker(props: {
  label: string;
  onPick: (p: Person) => void;
  agentsOnly?: boolean;
  describedBy?: string;
  inputId?: string;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Person[] | null>(null);
  const uid = useId();
  const id = props.inputId ?? `${uid}-q`;

  useEffect(() => {
    const query = q.trim();
    if (query.length < 2) {
      setFound(null);
      return;
    }
    const timer = window.setTimeout(() => {
      const url = query.includes('@')
        ? `/api/v2/users/search?query=${encodeURIComponent(query)}`
        : `/api/v2/users/autocomplete?name=${encodeURIComponent(query)}`;
      get<{ users: Person[] }>(url)
        .then((r) => {
          let users = r.users;
          if (props.agentsOnly) users = users.filter((u) => u.role === 'agent' || u.role === 'admin');
          setFound(users.slice(0, 8));
        })
        .catch(() => setFound([]));
    }, 200);
    return () => window.clearTimeout(timer);
  }, [q, props.agentsOnly]);

  return (
    <div className="user-picker">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="search"
        autoComplete="off"
        value={q}
        placeholder={t('tk.personSearch')}
        onChange={(e) => setQ(e.target.value)}
        aria-describedby={props.describedBy}
      />
      {found && (
        <ul className="picker-results" aria-live="polite">
          {found.length === 0 && <li>{t('tk.noMatch', { q: q.trim() })}</li>}
          {found.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                onClick={() => {
                  props.onPick(u);
                  setQ('');
                  setFound(null);
                }}
              >
                {u.name}
                {u.email ? ` <${u.email}>` : ''}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
