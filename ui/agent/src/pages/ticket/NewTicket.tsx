// /tickets/new: a ticket on behalf of a requester (found by name or email), with its
// subject, first comment (public or internal), properties and form fields; created by
// POST /api/v2/tickets, then opened.
import { useEffect, useId, useState } from 'react';
import { ApiError, TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES, get, post, type Group, type User } from '../../api';
import { errorText } from '../../errors';
import { useI18n, type MessageKey } from '../../i18n';
import { navigate } from '../../router';
import type { PageProps } from '../routes';
import { ComposerAttachments, dropTarget, useUploads } from './Attachments';
import { CustomFields, changedFields, useFormsAndFields, type FieldValue } from './CustomFields';
import { UserPicker } from './UserPicker';
import type { Person } from './types';
import './ticket.css';


export default function NewTicket(_props: PageProps) {
  const { t } = useI18n();
  const uid = useId();
  const fid = (n: string) => `${uid}-${n}`;
  const [requester, setRequester] = useState<Person | null>(null);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [isPublic, setIsPublic] = useState(true);
  const [status, setStatus] = useState('open');
  const [priority, setPriority] = useState('');
  const [type, setType] = useState('');
  const [assignee, setAssignee] = useState('');
  const [group, setGroup] = useState('');
  const [formId, setFormId] = useState('');
  const [values, setValues] = useState<Record<number, FieldValue>>({});
  const [agents, setAgents] = useState<User[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragOver, setDragOver] = useState(false);
  const uploads = useUploads();
  const { forms, fields } = useFormsAndFields();

  useEffect(() => {
    document.title = `${t('tk.newTicket')} · ${t('app.name')}`;
  }, [t]);
  useEffect(() => {
    Promise.all([
      get<{ users: User[] }>('/api/v2/users?role[]=agent&role[]=admin&per_page=100'),
      get<{ groups: Group[] }>('/api/v2/groups?per_page=100'),
    ])
      .then(([u, g]) => {
        setAgents(u.users);
        setGroups(g.groups);
      })
      .catch(() => {});
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    if (!requester) {
      setErrors({ requester_id: t('tk.requesterRequired') });
      return;
    }
    const ticket: Record<string, unknown> = {
      requester_id: requester.id,
      subject,
      status,
      comment: { body, public: isPublic, ...(uploads.tokens.length ? { uploads: uploads.tokens } : {}) },
    };
    if (priority) ticket.priority = priority;
    if (type) ticket.type = type;
    if (assignee) ticket.assignee_id = Number(assignee);
    if (group) ticket.group_id = Number(group);
    if (formId) ticket.ticket_form_id = Number(formId);
    const cf = changedFields(values, {});
    if (cf.length) ticket.custom_fields = cf;
    setBusy(true);
    try {
      const r = await post<{ ticket: { id: number } }>('/api/v2/tickets', { ticket });
      uploads.clear();
      navigate(`/tickets/${r.ticket.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const fe = (n: string) =>
    errors[n] ? (
      <span className="field-error" id={fid(`${n}-error`)}>
        {errors[n]}
      </span>
    ) : null;
  const db = (n: string) => (errors[n] ? fid(`${n}-error`) : undefined);
  const label = (kind: string, v: string) => t(`${kind}.${v}` as MessageKey);

  return (
    <section className="new-ticket" aria-labelledby={fid('h')}>
      <h1 id={fid('h')}>{t('tk.newTitle')}</h1>
      <form onSubmit={submit} noValidate>
        {requester ? (
          <p data-requester={requester.id}>
            {t('tk.requesterChosen', { name: `${requester.name}${requester.email ? ` <${requester.email}>` : ''}` })}{' '}
            <button type="button" onClick={() => setRequester(null)}>
              {t('tk.change')}
            </button>
          </p>
        ) : (
          <UserPicker label={t('tk.requesterSearch')} onPick={(p) => {
              setRequester(p);
              setErrors((old) => ({ ...old, requester_id: '' }));
            }} describedBy={db('requester_id')} inputId={fid('requester')} />
        )}
        {fe('requester_id')}
        {fe('requester')}
        <label htmlFor={fid('subject')}>{t('ticket.subject')}</label>
        <input id={fid('subject')} type="text" value={subject} onChange={(e) => setSubject(e.target.value)} aria-describedby={db('subject')} />
        {fe('subject')}
        <div className={`composer${dragOver ? ' drag-over' : ''}`} {...dropTarget(uploads, setDragOver)}>
          <fieldset className="kind">
            <legend>{t('ticket.composerKind')}</legend>
            <label>
              <input type="radio" name="kind" checked={isPublic} onChange={() => setIsPublic(true)} />
              {t('ticket.publicReply')}
            </label>
            <label>
              <input type="radio" name="kind" checked={!isPublic} onChange={() => setIsPublic(false)} />
              {t('ticket.internalNote')}
            </label>
          </fieldset>
          <label htmlFor={fid('body')}>{t('tk.firstComment')}</label>
          <textarea
            id={fid('body')}
            rows={6}
            className={isPublic ? 'public' : 'internal'}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            aria-describedby={db('comment')}
          />
          {fe('comment')}
          {fe('uploads')}
          <ComposerAttachments uploads={uploads} id={fid('attach')} />
        </div>
        <div className="row">
          <div>
            <label htmlFor={fid('status')}>{t('ticket.status')}</label>
            <select id={fid('status')} value={status} onChange={(e) => setStatus(e.target.value)} aria-describedby={db('status')}>
              {TICKET_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {label('status', s)}
                </option>
              ))}
            </select>
            {fe('status')}
          </div>
          <div>
            <label htmlFor={fid('priority')}>{t('ticket.priority')}</label>
            <select id={fid('priority')} value={priority} onChange={(e) => setPriority(e.target.value)} aria-describedby={db('priority')}>
              <option value="">{t('value.none')}</option>
              {TICKET_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {label('priority', p)}
                </option>
              ))}
            </select>
            {fe('priority')}
          </div>
          <div>
            <label htmlFor={fid('type')}>{t('ticket.type')}</label>
            <select id={fid('type')} value={type} onChange={(e) => setType(e.target.value)} aria-describedby={db('type')}>
              <option value="">{t('value.none')}</option>
              {TICKET_TYPES.map((p) => (
                <option key={p} value={p}>
                  {label('type', p)}
                </option>
              ))}
            </select>
            {fe('type')}
          </div>
          <div>
            <label htmlFor={fid('assignee')}>{t('ticket.assignee')}</label>
            <select id={fid('assignee')} value={assignee} onChange={(e) => setAssignee(e.target.value)} aria-describedby={db('assignee_id')}>
              <option value="">{t('ticket.unassigned')}</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
            {fe('assignee_id')}
          </div>
          <div>
            <label htmlFor={fid('group')}>{t('ticket.group')}</label>
            <select id={fid('group')} value={group} onChange={(e) => setGroup(e.target.value)} aria-describedby={db('group_id')}>
              <option value="">{t('value.none')}</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
            {fe('group_id')}
          </div>
        </div>
        <CustomFields
          forms={forms}
          fields={fields}
          formId={formId}
          onForm={setFormId}
          values={values}
          onValue={(id, v) => setValues((old) => ({ ...old, [id]: v }))}
          error={errors.custom_fields}
          idPrefix={fid('cf')}
        />
        <button type="submit" className="primary" disabled={busy || uploads.busy}>
          {busy ? t('tk.creating') : t('tk.create')}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
