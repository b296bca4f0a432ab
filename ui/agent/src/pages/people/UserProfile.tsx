// A user's profile (/users/{id}): identities, organizations, tags, details and notes, user
// fields, their tickets (requested, CC'd); editable by who may (agents edit end users,
// admins everyone; the server decides, its 403/422 are shown where they belong); and the
// merge of an end user into another one, with a confirmation of what moves.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiError, api, get, post, put, type User } from '../../api';
import { formatDate, useI18n, type MessageKey } from '../../i18n';
import { navigate } from '../../router';
import type { PageProps } from '../routes';
import { errorText, FieldError, TicketTable, type TicketRow } from './common';
import { UserOrganizations, type Org } from './UserOrganizations';

interface Profile {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  role: 'end-user' | 'agent' | 'admin';
  active: boolean;
  suspended: boolean;
  tags: string[];
  details: string | null;
  notes: string | null;
  user_fields: Record<string, unknown>;
  organization_id: number | null;
  created_at: string;
  last_login_at: string | null;
}

interface Identity {
  id: number;
  type: string;
  value: string;
  primary: boolean;
  verified: boolean;
}

interface UserField {
  id: number;
  key: string;
  title: string;
  type: string;
  active: boolean;
  description?: string;
  custom_field_options?: { id: number; name: string; value: string }[];
}

interface Related {
  requested_tickets: number;
  ccd_tickets: number;
  organizations: number;
}

interface Form {
  name: string;
  tags: string;
  details: string;
  notes: string;
  fields: Record<string, string | boolean>;
}

function fieldValue(f: UserField, v: unknown): string | boolean {
  if (f.type === 'checkbox') return v === true;
  if (v === null || v === undefined) return '';
  return String(v);
}

// What the form sends for a user field: numbers as numbers when they read as numbers;
// anything else as typed, for the server to judge (its 422 is shown next to the field).
function fieldPayload(f: UserField, v: string | boolean): unknown {
  if (f.type === 'checkbox') return v === true;
  const s = String(v).trim();
  if (s === '') return null;
  if (f.type === 'integer' && /^-?\d+$/.test(s)) return Number(s);
  if (f.type === 'decimal' && /^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

function formOf(u: Profile, fields: UserField[]): Form {
  const out: Form = {
    name: u.name,
    tags: u.tags.join(' '),
    details: u.details ?? '',
    notes: u.notes ?? '',
    fields: {},
  };
  for (const f of fields) out.fields[f.key] = fieldValue(f, u.user_fields?.[f.key]);
  return out;
}

export default function UserProfile(props: PageProps) {
  const { t, lang } = useI18n();
  const id = Number(props.params.id);
  const me = props.user;
  const [user, setUser] = useState<Profile | null>(null);
  const [identities, setIdentities] = useState<Identity[]>([]);
  const [fields, setFields] = useState<UserField[]>([]);
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [related, setRelated] = useState<Related | null>(null);
  const [requested, setRequested] = useState<TicketRow[] | null>(null);
  const [ccd, setCcd] = useState<TicketRow[] | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const uid = useId();
  const fid = (name: string) => `${uid}-${name}`;

  const load = useCallback(async () => {
    try {
      const [u, ids, uf] = await Promise.all([
        get<{ user: Profile }>(`/api/v2/users/${id}`),
        get<{ identities: Identity[] }>(`/api/v2/users/${id}/identities`),
        get<{ user_fields: UserField[] }>('/api/v2/user_fields').catch(() => ({ user_fields: [] })),
      ]);
      const active = uf.user_fields.filter((f) => f.active);
      setUser(u.user);
      setIdentities(ids.identities);
      setFields(active);
      setForm(formOf(u.user, active));
      setLoadError(null);
      document.title = u.user.name;
      const [o, rel, rq, cc] = await Promise.all([
        get<{ organizations: Org[] }>(`/api/v2/users/${id}/organizations`),
        get<{ user_related: Related }>(`/api/v2/users/${id}/related`),
        get<{ tickets: TicketRow[] }>(`/api/v2/users/${id}/tickets/requested?per_page=30&sort_by=updated_at&sort_order=desc`),
        get<{ tickets: TicketRow[] }>(`/api/v2/users/${id}/tickets/ccd?per_page=30&sort_by=updated_at&sort_order=desc`),
      ]);
      setOrgs(o.organizations);
      setRelated(rel.user_related);
      setRequested(rq.tickets);
      setCcd(cc.tickets);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      setLoadError(errorText(t, e));
    }
  }, [id, t]);

  useEffect(() => {
    void load();
  }, [load]);

  if (loadError) {
    return (
      <p className="error" role="alert">
        {loadError}
      </p>
    );
  }
  if (!user || !form) {
    return (
      <p className="loading" role="status">
        {t('app.loading')}
      </p>
    );
  }

  // Agents edit end users; admins edit everyone (the server has the last word).
  const canEdit = user.active && (me.role === 'admin' || (me.role === 'agent' && user.role === 'end-user'));
  const canMerge = user.active && user.role === 'end-user' && me.role !== 'end-user';

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setNotice(null);
    const user_fields: Record<string, unknown> = {};
    for (const f of fields) {
      const before = fieldValue(f, user.user_fields?.[f.key]);
      if (form.fields[f.key] !== before) user_fields[f.key] = fieldPayload(f, form.fields[f.key]);
    }
    const body: Record<string, unknown> = {
      name: form.name,
      tags: form.tags.split(/[\s,]+/).filter(Boolean),
      details: form.details,
      notes: form.notes,
    };
    if (Object.keys(user_fields).length > 0) body.user_fields = user_fields;
    try {
      const r = await put<{ user: Profile }>(`/api/v2/users/${id}`, { user: body });
      setUser(r.user);
      setForm(formOf(r.user, fields));
      setNotice(t('people.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        const fe = err.fieldErrors();
        setErrors(Object.keys(fe).length > 0 ? fe : { base: err.message });
      } else {
        setErrors({ base: errorText(t, err) });
      }
    } finally {
      setBusy(false);
    }
  };

  const describedBy = (name: string) => (errors[name] ? fid(`${name}-error`) : undefined);
  const roleLabel = t(`people.role.${user.role}` as MessageKey);

  return (
    <div className="people-page user-profile">
      <header className="people-head">
        <h1>{user.name}</h1>
        <p className="people-meta">
          <span className="badge">{roleLabel}</span>
          {user.email && <span>{user.email}</span>}
          {user.suspended && <span className="badge warn">{t('people.suspended')}</span>}
          <span>{t('people.since', { when: formatDate(lang, user.created_at) })}</span>
        </p>
        {props.loc.query.get('merged') && user.active && (
          <p className="notice" role="status">
            {t('people.merged')}
          </p>
        )}
        {!user.active && (
          <p className="notice" role="status">
            {t('people.inactive')}
          </p>
        )}
      </header>

      <div className="people-grid">
        <div className="people-main">
          <form className="people-block people-form" onSubmit={save} noValidate aria-labelledby={fid('details-h')}>
            <h2 id={fid('details-h')}>{t('people.details')}</h2>
            <fieldset disabled={!canEdit || busy}>
              <label htmlFor={fid('name')}>{t('people.name')}</label>
              <input
                id={fid('name')}
                type="text"
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
                aria-invalid={errors.name ? true : undefined}
                aria-describedby={describedBy('name')}
              />
              <FieldError id={fid('name-error')} message={errors.name} />
              <label htmlFor={fid('tags')}>{t('ticket.tags')}</label>
              <input
                id={fid('tags')}
                type="text"
                value={form.tags}
                onChange={(e) => setForm({ ...form, tags: e.target.value })}
                aria-invalid={errors.tags ? true : undefined}
                aria-describedby={[fid('tags-hint'), describedBy('tags')].filter(Boolean).join(' ')}
              />
              <p id={fid('tags-hint')} className="hint">
                {t('ticket.tagsHint')}
              </p>
              <FieldError id={fid('tags-error')} message={errors.tags} />
              <label htmlFor={fid('details')}>{t('people.detailsField')}</label>
              <textarea
                id={fid('details')}
                rows={2}
                value={form.details}
                onChange={(e) => setForm({ ...form, details: e.target.value })}
                aria-invalid={errors.details ? true : undefined}
                aria-describedby={describedBy('details')}
              />
              <FieldError id={fid('details-error')} message={errors.details} />
              <label htmlFor={fid('notes')}>{t('people.notes')}</label>
              <textarea
                id={fid('notes')}
                rows={3}
                value={form.notes}
                onChange={(e) => setForm({ ...form, notes: e.target.value })}
                aria-invalid={errors.notes ? true : undefined}
                aria-describedby={describedBy('notes')}
              />
              <FieldError id={fid('notes-error')} message={errors.notes} />
              {fields.length > 0 && <h3>{t('people.userFields')}</h3>}
              {fields.map((f) => {
                const key = `user_fields.${f.key}`;
                const inputId = fid(`uf-${f.key}`);
                const err = errors[key];
                const common = {
                  id: inputId,
                  'aria-invalid': err ? true : undefined,
                  'aria-describedby': err ? `${inputId}-error` : undefined,
                };
                const v = form.fields[f.key];
                const set = (nv: string | boolean) => setForm({ ...form, fields: { ...form.fields, [f.key]: nv } });
                let input: React.ReactNode;
                if (f.type === 'checkbox') {
                  return (
                    <div key={f.key} className="checkbox-field">
                      <input {...common} type="checkbox" checked={v === true} onChange={(e) => set(e.target.checked)} />
                      <label htmlFor={inputId}>{f.title}</label>
                      <FieldError id={`${inputId}-error`} message={err} />
                    </div>
                  );
                } else if (f.type === 'dropdown') {
                  input = (
                    <select {...common} value={String(v)} onChange={(e) => set(e.target.value)}>
                      <option value="">{t('value.none')}</option>
                      {(f.custom_field_options ?? []).map((o) => (
                        <option key={o.id} value={o.value}>
                          {o.name}
                        </option>
                      ))}
                    </select>
                  );
                } else if (f.type === 'textarea') {
                  input = <textarea {...common} rows={2} value={String(v)} onChange={(e) => set(e.target.value)} />;
                } else {
                  input = (
                    <input
                      {...common}
                      type={f.type === 'date' ? 'date' : 'text'}
                      inputMode={f.type === 'integer' ? 'numeric' : f.type === 'decimal' ? 'decimal' : undefined}
                      value={String(v)}
                      onChange={(e) => set(e.target.value)}
                    />
                  );
                }
                return (
                  <div key={f.key}>
                    <label htmlFor={inputId}>{f.title}</label>
                    {input}
                    <FieldError id={`${inputId}-error`} message={err} />
                  </div>
                );
              })}
            </fieldset>
            {errors.base && (
              <p className="error" role="alert">
                {errors.base}
              </p>
            )}
            {notice && (
              <p className="notice" role="status">
                {notice}
              </p>
            )}
            {canEdit ? (
              <button type="submit" className="primary" disabled={busy}>
                {busy ? t('ticket.submitting') : t('people.save')}
              </button>
            ) : (
              <p className="hint">{t('people.readOnly')}</p>
            )}
          </form>

          <TicketTable tickets={requested} caption={t('people.requested', { count: related?.requested_tickets ?? requested?.length ?? 0 })} empty={t('people.noTickets')} />
          <TicketTable tickets={ccd} caption={t('people.ccd', { count: related?.ccd_tickets ?? ccd?.length ?? 0 })} empty={t('people.noTickets')} />
        </div>

        <aside className="people-side">
          <Identities userId={id} identities={identities} canEdit={canEdit} onChanged={load} />
          <UserOrganizations
            userId={id}
            orgs={orgs}
            defaultId={user.organization_id}
            canEdit={canEdit}
            onChanged={load}
          />
          {canMerge && related && (
            <MergeSection source={user} me={me} identities={identities.length} related={related} />
          )}
        </aside>
      </div>
    </div>
  );
}

// Identities: add, remove, make primary (the API's own rules apply: the primary e-mail
// cannot be removed, a value taken by someone else is a 422 shown next to the field).
function Identities(props: { userId: number; identities: Identity[]; canEdit: boolean; onChanged: () => Promise<void> }) {
  const { t } = useI18n();
  const uid = useId();
  const [type, setType] = useState('email');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: number; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (identity: Identity, what: 'primary' | 'remove') => {
    setRowError(null);
    setBusy(true);
    try {
      if (what === 'primary') {
        await put(`/api/v2/users/${props.userId}/identities/${identity.id}/make_primary`, {});
      } else {
        await api('DELETE', `/api/v2/users/${props.userId}/identities/${identity.id}`);
      }
      await props.onChanged();
    } catch (e) {
      setRowError({ id: identity.id, message: e instanceof ApiError && e.status === 422 ? e.message : errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await post(`/api/v2/users/${props.userId}/identities`, { identity: { type, value } });
      setValue('');
      await props.onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        const fe = err.fieldErrors();
        setError(fe.value ?? fe.type ?? Object.values(fe)[0] ?? err.message);
      } else {
        setError(errorText(t, err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="people-block" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('people.identities')}</h2>
      <ul className="plain-list identities">
        {props.identities.map((i) => (
          <li key={i.id}>
            <span className="identity-value">
              <span className="visually-hidden">{t(`people.identity.${i.type}` as MessageKey)}: </span>
              {i.value}
            </span>
            {i.primary && <span className="badge">{t('people.primary')}</span>}
            {props.canEdit && !i.primary && (
              <span className="identity-actions">
                <button type="button" disabled={busy} onClick={() => void act(i, 'primary')} aria-label={t('people.makePrimaryOf', { value: i.value })}>
                  {t('people.makePrimary')}
                </button>
                <button type="button" disabled={busy} onClick={() => void act(i, 'remove')} aria-label={t('people.removeOf', { value: i.value })}>
                  {t('people.remove')}
                </button>
              </span>
            )}
            {rowError?.id === i.id && (
              <span className="field-error" role="alert">
                {rowError.message}
              </span>
            )}
          </li>
        ))}
      </ul>
      {props.canEdit && (
        <form onSubmit={add} className="identity-add" noValidate>
          <label htmlFor={`${uid}-type`}>{t('people.identityType')}</label>
          <select id={`${uid}-type`} value={type} onChange={(e) => setType(e.target.value)}>
            <option value="email">{t('people.identity.email')}</option>
            <option value="phone_number">{t('people.identity.phone_number')}</option>
          </select>
          <label htmlFor={`${uid}-value`}>{t('people.identityValue')}</label>
          <input
            id={`${uid}-value`}
            type="text"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${uid}-error` : undefined}
          />
          <FieldError id={`${uid}-error`} message={error ?? undefined} />
          <button type="submit" disabled={busy || value.trim() === ''}>
            {t('people.addIdentity')}
          </button>
        </form>
      )}
    </section>
  );
}

// Merge this end user into another: pick the target (autocomplete by name, or search by
// e-mail), confirm in a dialog that says what moves, then PUT /users/{id}/merge and land
// on the target.
function MergeSection(props: { source: Profile; me: User; identities: number; related: Related }) {
  const { t } = useI18n();
  const uid = useId();
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<Profile[]>([]);
  const [active, setActive] = useState(-1);
  const [target, setTarget] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const seq = useRef(0);

  useEffect(() => {
    const q = query.trim();
    if (q.length < 2 || (target && q === target.name)) {
      setOptions([]);
      return;
    }
    const n = ++seq.current;
    const timer = window.setTimeout(async () => {
      try {
        const url = q.includes('@')
          ? `/api/v2/users/search?query=${encodeURIComponent(q)}`
          : `/api/v2/users/autocomplete?name=${encodeURIComponent(q)}`;
        const r = await get<{ users: Profile[] }>(url);
        if (n !== seq.current) return;
        setOptions(r.users.filter((u) => u.id !== props.source.id && u.active && u.role === 'end-user').slice(0, 8));
        setActive(-1);
      } catch {
        if (n === seq.current) setOptions([]);
      }
    }, 200);
    return () => window.clearTimeout(timer);
  }, [query, props.source.id, target]);

  const pick = (u: Profile) => {
    setTarget(u);
    setQuery(u.name);
    setOptions([]);
    setError(null);
  };

  const onKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (options.length === 0) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % options.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      pick(options[active]);
    } else if (e.key === 'Escape') {
      setOptions([]);
    }
  };

  const confirm = async () => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      await put(`/api/v2/users/${props.source.id}/merge`, { user: { id: target.id } });
      dialog.current?.close();
      navigate(`/users/${target.id}?merged=${props.source.id}`);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 422 ? e.message : errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const r = props.related;
  return (
    <section className="people-block merge" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('merge.heading')}</h2>
      <p className="hint">{t('merge.intro', { name: props.source.name })}</p>
      <div className="combobox">
        <label htmlFor={`${uid}-q`}>{t('merge.target')}</label>
        <input
          id={`${uid}-q`}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={options.length > 0}
          aria-controls={`${uid}-list`}
          aria-activedescendant={active >= 0 ? `${uid}-opt-${active}` : undefined}
          aria-describedby={`${uid}-hint`}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setTarget(null);
          }}
          onKeyDown={onKey}
        />
        <p id={`${uid}-hint`} className="hint">
          {t('merge.targetHint')}
        </p>
        <ul id={`${uid}-list`} role="listbox" className="options" hidden={options.length === 0} aria-label={t('merge.target')}>
          {options.map((u, i) => (
            <li
              key={u.id}
              id={`${uid}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(u);
              }}
            >
              <span>{u.name}</span> <span className="muted">{u.email}</span>
            </li>
          ))}
        </ul>
      </div>
      <button type="button" disabled={!target} onClick={() => dialog.current?.showModal()}>
        {t('merge.review')}
      </button>

      <dialog ref={dialog} className="merge-dialog" aria-labelledby={`${uid}-dh`} aria-describedby={`${uid}-dd`}>
        <h2 id={`${uid}-dh`}>{t('merge.confirmTitle')}</h2>
        {target && (
          <div id={`${uid}-dd`}>
            <p>{t('merge.confirmText', { source: props.source.name, target: target.name })}</p>
            <ul className="moves">
              <li data-move="identities">{t('merge.moveIdentities', { count: props.identities })}</li>
              <li data-move="requested">{t('merge.moveRequested', { count: r.requested_tickets })}</li>
              <li data-move="ccd">{t('merge.moveCcd', { count: r.ccd_tickets })}</li>
              <li data-move="organizations">{t('merge.moveOrganizations', { count: r.organizations })}</li>
            </ul>
            <p className="hint">{t('merge.irreversible', { source: props.source.name })}</p>
          </div>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()} disabled={busy}>
            {t('merge.cancel')}
          </button>
          <button type="button" className="primary danger" onClick={() => void confirm()} disabled={busy}>
            {busy ? t('ticket.submitting') : t('merge.confirm', { target: target?.name ?? '' })}
          </button>
        </div>
      </dialog>
    </section>
  );
}
