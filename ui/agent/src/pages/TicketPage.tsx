import { useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  ApiError, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES, get, put,
  type Audit, type Group, type Macro, type MacroResult, type User,
} from '../api';
import { errorText } from '../errors';
import { formatDate, useI18n, type MessageKey } from '../i18n';
import { BASE, onLinkClick } from '../router';
import { CommentAttachments, ComposerAttachments, dropTarget, useUploads } from './ticket/Attachments';
import { CustomFields, changedFields, useFormsAndFields, valuesOf, type FieldValue } from './ticket/CustomFields';
import { CcsAndFollowers } from './ticket/People';
import { usePresence } from './ticket/presence';
import { RequesterTickets } from './ticket/RequesterTickets';
import { SlaBadge } from './ticket/SlaBadge';
import type { FullComment, FullTicket } from './ticket/types';
import './ticket/ticket.css';


interface Form {
  status: string;
  priority: string;
  type: string;
  assignee_id: string;
  group_id: string;
  tags: string;
  body: string;
  isPublic: boolean;
  formId: string;
  fields: Record<number, FieldValue>;
}

function formOf(t: FullTicket): Form {
  return {
    status: t.status === 'new' ? 'open' : t.status,
    priority: t.priority ?? '',
    type: t.type ?? '',
    assignee_id: t.assignee_id ? String(t.assignee_id) : '',
    group_id: t.group_id ? String(t.group_id) : '',
    tags: t.tags.join(' '),
    body: '',
    isPublic: true,
    formId: t.ticket_form_id ? String(t.ticket_form_id) : '',
    fields: valuesOf(t.custom_fields),
  };
}

const draftKey = (id: number) => `comptoir.draft.${id}`;

// One ticket: conversation, composer (public reply / internal note), properties with
// "Submit as <status>", macros (previewed into the form, sent on submit), history.
export function TicketPage(props: {
  ticketId: number;
  me: User;
  backTo: string;
  changed: { id: number; n: number } | null;
}) {
  const { t, lang } = useI18n();
  const id = props.ticketId;
  const [ticket, setTicket] = useState<FullTicket | null>(null);
  const [comments, setComments] = useState<FullComment[]>([]);
  const [audits, setAudits] = useState<Audit[]>([]);
  const [people, setPeople] = useState<Map<number, string>>(new Map());
  const [agents, setAgents] = useState<User[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [macros, setMacros] = useState<Macro[]>([]);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [changedElsewhere, setChangedElsewhere] = useState(false);
  const lastSave = useRef(0);
  const seenChange = useRef(props.changed?.n ?? 0);
  const uid = useId();
  const fid = (name: string) => `${uid}-${name}`;
  const uploads = useUploads();
  const [dragOver, setDragOver] = useState(false);
  const { forms, fields } = useFormsAndFields();
  const viewers = usePresence(id, props.me.id);
  const [liveTick, setLiveTick] = useState(0);

  const load = useCallback(
    async (resetForm: boolean) => {
      try {
        const [tk, cm, au] = await Promise.all([
          get<{ ticket: FullTicket; users?: User[] }>(`/api/v2/tickets/${id}?include=users`),
          get<{ comments: FullComment[]; users?: User[] }>(`/api/v2/tickets/${id}/comments?include=users&per_page=100`),
          get<{ audits: Audit[] }>(`/api/v2/tickets/${id}/audits?per_page=100`),
        ]);
        setTicket(tk.ticket);
        setComments(cm.comments);
        setAudits(au.audits);
        setPeople((old) => {
          const next = new Map(old);
          for (const u of [...(tk.users ?? []), ...(cm.users ?? [])]) next.set(u.id, u.name);
          return next;
        });
        setChangedElsewhere(false);
        if (resetForm) {
          const f = formOf(tk.ticket);
          const draft = localStorage.getItem(draftKey(id));
          if (draft) {
            try {
              const d = JSON.parse(draft) as { body: string; isPublic: boolean };
              if (d.body) {
                f.body = d.body;
                f.isPublic = d.isPublic;
                setNotice(t('ticket.draftRestored'));
              }
            } catch {
              /* a broken draft is dropped */
            }
          }
          setForm(f);
        }
        setError(null);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return;
        setError(e instanceof ApiError && e.status === 404 ? t('error.notFound') : String((e as Error).message));
      }
    },
    [id, t],
  );

  useEffect(() => {
    void load(true);
    Promise.all([
      get<{ users: User[] }>('/api/v2/users?role[]=agent&role[]=admin&per_page=100'),
      get<{ groups: Group[] }>('/api/v2/groups?per_page=100'),
      get<{ macros: Macro[] }>('/api/v2/macros/active?per_page=100'),
    ])
      .then(([u, g, m]) => {
        setAgents(u.users);
        setGroups(g.groups);
        setMacros(m.macros);
      })
      .catch(() => {});
  }, [id]);

  useEffect(() => {
    if (ticket) document.title = `${t('ticket.title', { id })} ${ticket.subject} · ${t('app.name')}`;
  }, [ticket, id, t]);

  // A live event for this ticket that is not our own save: offer to show the changes.
  useEffect(() => {
    if (!props.changed || props.changed.id !== id || props.changed.n === seenChange.current) return;
    seenChange.current = props.changed.n;
    if (Date.now() - lastSave.current < 3000) return;
    setChangedElsewhere(true);
  }, [props.changed, id]);

  // Drafts survive a reload or a lost connection.
  useEffect(() => {
    if (!form) return;
    if (form.body) localStorage.setItem(draftKey(id), JSON.stringify({ body: form.body, isPublic: form.isPublic }));
    else localStorage.removeItem(draftKey(id));
  }, [form, id]);

  if (error && !ticket) {
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  }
  if (!ticket || !form) {
    return (
      <p className="loading" role="status">
        {t('app.loading')}
      </p>
    );
  }

  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const label = (kind: 'status' | 'priority' | 'type', v: string | null) =>
    v ? t(`${kind}.${v}` as MessageKey) : t('value.none');

  const applyMacro = async (macroId: string) => {
    if (!macroId) return;
    const m = macros.find((x) => String(x.id) === macroId);
    try {
      const r = await get<MacroResult>(`/api/v2/tickets/${id}/macros/${macroId}/apply`);
      const mt = r.result.ticket;
      const next: Form = { ...form };
      if (mt.status) next.status = mt.status === 'new' ? 'open' : mt.status;
      if (mt.priority !== undefined) next.priority = mt.priority ?? '';
      if (mt.type !== undefined) next.type = mt.type ?? '';
      if (mt.assignee_id !== undefined) next.assignee_id = mt.assignee_id ? String(mt.assignee_id) : '';
      if (mt.group_id !== undefined) next.group_id = mt.group_id ? String(mt.group_id) : '';
      if (mt.tags) next.tags = mt.tags.join(' ');
      if (mt.comment?.body) {
        next.body = next.body ? `${next.body}\n\n${mt.comment.body}` : mt.comment.body;
        next.isPublic = mt.comment.public;
      }
      setForm(next);
      setNotice(t('ticket.macroApplied', { title: m?.title ?? macroId }));
    } catch (e) {
      setNotice(null);
      setError(t('error.generic', { message: (e as Error).message }));
    }
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const change: Record<string, unknown> = {};
    const before = formOf(ticket);
    if (form.status !== before.status || ticket.status === 'new') change.status = form.status;
    if (form.priority !== before.priority) change.priority = form.priority || null;
    if (form.type !== before.type) change.type = form.type || null;
    if (form.assignee_id !== before.assignee_id) change.assignee_id = form.assignee_id ? Number(form.assignee_id) : null;
    if (form.group_id !== before.group_id) change.group_id = form.group_id ? Number(form.group_id) : null;
    if (form.tags.trim() !== before.tags) change.tags = form.tags.split(/[\s,]+/).filter(Boolean);
    if (form.formId !== before.formId && form.formId) change.ticket_form_id = Number(form.formId);
    const cf = changedFields(form.fields, before.fields);
    if (cf.length > 0) change.custom_fields = cf;
    if (form.body.trim()) {
      change.comment = { body: form.body, public: form.isPublic, ...(uploads.tokens.length ? { uploads: uploads.tokens } : {}) };
    }
    if (Object.keys(change).length === 0) {
      setNotice(t('ticket.nothingToSave'));
      return;
    }
    setBusy(true);
    setFieldErrors({});
    setError(null);
    setNotice(null);
    try {
      lastSave.current = Date.now();
      await put(`/api/v2/tickets/${id}`, { ticket: change });
      localStorage.removeItem(draftKey(id));
      lastSave.current = Date.now();
      if (change.comment) uploads.clear();
      setLiveTick((n) => n + 1);
      setNotice(t('ticket.saved', { id }));
      await load(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return; // sent to sign in; draft kept
      if (err instanceof ApiError) setFieldErrors(err.fieldErrors());
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name: string) =>
    fieldErrors[name] ? (
      <span className="field-error" id={fid(`${name}-error`)}>
        {fieldErrors[name]}
      </span>
    ) : null;
  const describedBy = (name: string) => (fieldErrors[name] ? fid(`${name}-error`) : undefined);
  const name = (uidNum: number) => people.get(uidNum) ?? agents.find((a) => a.id === uidNum)?.name ?? `#${uidNum}`;

  return (
    <article className="ticket" aria-labelledby={fid('title')}>
      <p className="back">
        <a href={BASE + props.backTo} onClick={onLinkClick}>
          ← {t('ticket.back')}
        </a>
      </p>
      <h1 id={fid('title')}>
        <span className="ticket-id">{t('ticket.title', { id })}</span> {ticket.subject}
      </h1>
      <p className="meta">
        <span className={`badge status-${ticket.status}`}>{label('status', ticket.status)}</span>{' '}
        {t('ticket.requester')}: {name(ticket.requester_id)}{' '}
        <SlaBadge ticketId={id} refresh={liveTick} />
      </p>
      {viewers.length > 0 && (
        <div className="notice presence" role="status" data-presence>
          {t('tk.viewing', { names: viewers.map((v) => v.name).join(', ') })}
        </div>
      )}
      {changedElsewhere && (
        <div className="notice" role="status">
          {t('ticket.changedElsewhere')}{' '}
          <button type="button" onClick={() => void load(false)}>
            {t('ticket.reload')}
          </button>
        </div>
      )}
      <div className="ticket-grid">
        <div className="ticket-main">
          <section aria-labelledby={fid('conv')}>
            <h2 id={fid('conv')}>{t('ticket.conversation')}</h2>
            {comments.length === 0 && <p>{t('ticket.noComments')}</p>}
            <ol className="conversation">
              {comments.map((c) => (
                <li key={c.id} className={c.public ? 'comment public' : 'comment internal'} data-comment-id={c.id}>
                  <div className="comment-head">
                    <strong>{name(c.author_id)}</strong>
                    <span className="kind">{c.public ? t('ticket.publicReply') : t('ticket.internalNote')}</span>
                    <time dateTime={c.created_at}>{formatDate(lang, c.created_at)}</time>
                  </div>
                  <div className="comment-body">{c.body}</div>
                  <CommentAttachments attachments={c.attachments ?? []} />
                </li>
              ))}
            </ol>
          </section>
          <form
            className={`composer${dragOver ? ' drag-over' : ''}`}
            onSubmit={submit}
            aria-labelledby={fid('composer-legend')}
            {...dropTarget(uploads, setDragOver)}
          >
            {dragOver && (
              <p className="drop-hint" aria-hidden="true">
                {t('tk.dropHere')}
              </p>
            )}
            <fieldset className="kind-switch">
              <legend id={fid('composer-legend')}>{t('ticket.composerKind')}</legend>
              <label>
                <input type="radio" name="kind" checked={form.isPublic} onChange={() => set({ isPublic: true })} />
                {t('ticket.publicReply')}
              </label>
              <label>
                <input type="radio" name="kind" checked={!form.isPublic} onChange={() => set({ isPublic: false })} />
                {t('ticket.internalNote')}
              </label>
            </fieldset>
            <label htmlFor={fid('body')} className="visually-hidden">
              {t('ticket.composer')}
            </label>
            <textarea
              id={fid('body')}
              className={form.isPublic ? 'public' : 'internal'}
              rows={5}
              value={form.body}
              placeholder={form.isPublic ? t('ticket.publicReply') : t('ticket.internalNote')}
              onChange={(e) => set({ body: e.target.value })}
              aria-describedby={describedBy('comment')}
            />
            {fieldError('comment')}
            {fieldError('uploads')}
            <ComposerAttachments uploads={uploads} id={fid('attach')} />
            <div className="composer-actions">
              <label htmlFor={fid('macro')} className="visually-hidden">
                {t('ticket.macro')}
              </label>
              <select
                id={fid('macro')}
                value=""
                onChange={(e) => void applyMacro(e.target.value)}
                disabled={macros.length === 0}
              >
                <option value="">{t('ticket.macroChoose')}</option>
                {macros.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.title}
                  </option>
                ))}
              </select>
              <button type="submit" className="primary" disabled={busy || uploads.busy}>
                {busy ? t('ticket.submitting') : t('ticket.submitAs', { status: label('status', form.status) })}
              </button>
            </div>
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
            {notice && !error && (
              <p className="notice" role="status">
                {notice}
              </p>
            )}
          </form>
        </div>
        <aside className="properties" aria-labelledby={fid('props')}>
          <h2 id={fid('props')}>{t('ticket.properties')}</h2>
          <label htmlFor={fid('status')}>{t('ticket.status')}</label>
          <select
            id={fid('status')}
            value={form.status}
            onChange={(e) => set({ status: e.target.value })}
            aria-describedby={describedBy('status')}
          >
            {TICKET_STATUSES.filter((s) => s !== 'new' || ticket.status === 'new').map((s) => (
              <option key={s} value={s}>
                {label('status', s)}
              </option>
            ))}
          </select>
          {fieldError('status')}
          <label htmlFor={fid('priority')}>{t('ticket.priority')}</label>
          <select id={fid('priority')} value={form.priority} onChange={(e) => set({ priority: e.target.value })} aria-describedby={describedBy('priority')}>
            <option value="">{t('value.none')}</option>
            {TICKET_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {label('priority', p)}
              </option>
            ))}
          </select>
          {fieldError('priority')}
          <label htmlFor={fid('type')}>{t('ticket.type')}</label>
          <select id={fid('type')} value={form.type} onChange={(e) => set({ type: e.target.value })} aria-describedby={describedBy('type')}>
            <option value="">{t('value.none')}</option>
            {TICKET_TYPES.map((p) => (
              <option key={p} value={p}>
                {label('type', p)}
              </option>
            ))}
          </select>
          {fieldError('type')}
          <label htmlFor={fid('assignee')}>{t('ticket.assignee')}</label>
          <select id={fid('assignee')} value={form.assignee_id} onChange={(e) => set({ assignee_id: e.target.value })} aria-describedby={describedBy('assignee_id')}>
            <option value="">{t('ticket.unassigned')}</option>
            {form.assignee_id && !agents.some((a) => String(a.id) === form.assignee_id) && (
              <option value={form.assignee_id}>{name(Number(form.assignee_id))}</option>
            )}
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          {fieldError('assignee_id')}
          <label htmlFor={fid('group')}>{t('ticket.group')}</label>
          <select id={fid('group')} value={form.group_id} onChange={(e) => set({ group_id: e.target.value })} aria-describedby={describedBy('group_id')}>
            <option value="">{t('value.none')}</option>
            {form.group_id && !groups.some((g) => String(g.id) === form.group_id) && (
              <option value={form.group_id}>#{form.group_id}</option>
            )}
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          {fieldError('group_id')}
          <label htmlFor={fid('tags')}>{t('ticket.tags')}</label>
          <input
            id={fid('tags')}
            type="text"
            value={form.tags}
            onChange={(e) => set({ tags: e.target.value })}
            aria-describedby={[fid('tags-hint'), describedBy('tags')].filter(Boolean).join(' ')}
          />
          <span className="hint" id={fid('tags-hint')}>
            {t('ticket.tagsHint')}
          </span>
          {fieldError('tags')}
          <CustomFields
            forms={forms}
            fields={fields}
            formId={form.formId}
            onForm={(v) => set({ formId: v })}
            values={form.fields}
            onValue={(fieldId, v) => set({ fields: { ...form.fields, [fieldId]: v } })}
            error={fieldErrors.custom_fields}
            idPrefix={fid('cf')}
          />
          <CcsAndFollowers
            ticket={ticket}
            name={name}
            idPrefix={fid('people')}
            onSaving={() => (lastSave.current = Date.now())}
            onChanged={async (who) => {
              setPeople((old) => {
                const next = new Map(old);
                for (const w of who) next.set(w.id, w.name);
                return next;
              });
              lastSave.current = Date.now();
              await load(false);
            }}
          />
          <RequesterTickets requesterId={ticket.requester_id} ticketId={id} headingId={fid('others')} />
        </aside>
      </div>
      <section className="history" aria-labelledby={fid('history')}>
        <h2 id={fid('history')}>{t('ticket.history')}</h2>
        <ol>
          {audits.map((a) => (
            <li key={a.id}>
              <div className="audit-head">{t('audit.by', { name: name(a.author_id), when: formatDate(lang, a.created_at) })}</div>
              <ul>
                {a.events
                  .filter((ev) => ev.type !== 'Info')
                  .map((ev) => (
                    <li key={ev.id}>{describeEvent(ev, t, name, (f) => fields.find((x) => String(x.id) === f)?.title)}</li>
                  ))}
              </ul>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

const FIELD_KEYS: Record<string, MessageKey> = {
  status: 'ticket.status',
  priority: 'ticket.priority',
  type: 'ticket.type',
  assignee_id: 'ticket.assignee',
  group_id: 'ticket.group',
  tags: 'ticket.tags',
  requester_id: 'ticket.requester',
  subject: 'ticket.subject',
};
const USER_FIELDS = new Set(['assignee_id', 'requester_id', 'submitter_id']);
const ENUM_FIELDS = new Set(['status', 'priority', 'type']);

function describeEvent(
  ev: { type: string; field_name?: string; value?: unknown; previous_value?: unknown; public?: boolean },
  t: (k: MessageKey, v?: Record<string, string | number>) => string,
  userName: (id: number) => string,
  fieldTitle: (field: string) => string | undefined = () => undefined,
): string {
  const f = ev.field_name ?? '';
  const show = (v: unknown): string => {
    if (v === null || v === undefined || v === '') return t('value.none');
    if (Array.isArray(v)) return v.length ? v.join(' ') : t('value.none');
    if (ENUM_FIELDS.has(f)) return t(`${f}.${String(v)}` as MessageKey);
    if (USER_FIELDS.has(f) && !Number.isNaN(Number(v))) return userName(Number(v));
    return String(v);
  };
  const field = ev.field_name
    ? FIELD_KEYS[ev.field_name]
      ? t(FIELD_KEYS[ev.field_name])
      : (fieldTitle(ev.field_name) ?? ev.field_name)
    : '';
  switch (ev.type) {
    case 'Comment':
      return ev.public ? t('audit.comment.public') : t('audit.comment.private');
    case 'Create':
      return t('audit.create', { field, to: show(ev.value) });
    case 'Change':
      return t('audit.change', { field, from: show(ev.previous_value), to: show(ev.value) });
    case 'Notification':
      return t('audit.notification');
    default:
      return t('audit.other', { type: ev.type });
  }
}
