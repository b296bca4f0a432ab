// Ticket fields: the list (system fields shown, not editable), a custom field created or
// edited with what its type needs (a pattern for regexp, choices for dropdown and
// multi-select), deleted.
import { useState } from 'react';
import { api, get, post, put } from '../../../api';
import { useI18n, type MessageKey } from '../../../i18n';
import { BASE, navigate, onLinkClick } from '../../../router';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, confirmed, failureOf, noFailure, useLoad, type Failure, SaveOrDelete } from './common';

export interface TicketField {
  id: number;
  type: string;
  title: string;
  description: string;
  active: boolean;
  required: boolean;
  removable: boolean;
  regexp_for_validation: string | null;
  visible_in_portal: boolean;
  editable_in_portal: boolean;
  custom_field_options?: { id: number; name: string; value: string }[];
}

const TYPES = ['text', 'textarea', 'checkbox', 'date', 'integer', 'decimal', 'regexp', 'tagger', 'multiselect'];
export const typeLabel = (type: string): MessageKey =>
  TYPES.includes(type) ? (`cfg.fieldType.${type}` as MessageKey) : 'cfg.fieldType.system';
const hasChoices = (type: string) => type === 'tagger' || type === 'multiselect';

export default function TicketFields(props: SectionProps) {
  const { t } = useI18n();
  const id = props.path === 'new' ? -1 : Number(props.path) || 0;
  const { data, error, reload } = useLoad(() => get<{ ticket_fields: TicketField[] }>('/api/v2/ticket_fields'), []);
  if (!data) return <Loading error={error} />;
  if (id) {
    const f = data.ticket_fields.find((x) => x.id === id);
    if (id > 0 && (!f || !f.removable)) return <p role="alert">{t('admin.notFound')}</p>;
    return <FieldForm key={id} field={f ?? null} onChange={reload} />;
  }
  return (
    <div className="cfg">
      <h1>{t('cfg.fields.title')}</h1>
      <p>
        <a className="cfg-button" href={`${BASE}/admin/ticket-fields/new`} onClick={onLinkClick}>
          {t('cfg.fields.new')}
        </a>
      </p>
      <div className="cfg-table-wrap">
        <table className="cfg-table">
          <caption className="visually-hidden">{t('cfg.fields.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cfg.fields.fieldTitle')}</th>
              <th scope="col">{t('cfg.fields.type')}</th>
              <th scope="col">{t('cfg.fields.state')}</th>
            </tr>
          </thead>
          <tbody>
            {data.ticket_fields.map((f) => (
              <tr key={f.id}>
                <td>
                  {f.removable ? (
                    <a href={`${BASE}/admin/ticket-fields/${f.id}`} onClick={onLinkClick}>
                      {f.title}
                    </a>
                  ) : (
                    f.title
                  )}
                </td>
                <td>{t(typeLabel(f.type))}</td>
                <td>
                  {f.active ? t('cfg.active') : t('cfg.inactive')}
                  {f.required && `, ${t('cfg.fields.required')}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

interface Choice {
  key: number;
  id?: number;
  name: string;
  value: string;
}

function FieldForm(props: { field: TicketField | null; onChange: () => void }) {
  const { t } = useI18n();
  const f = props.field;
  const [form, setForm] = useState({
    type: f?.type ?? 'text',
    title: f?.title ?? '',
    description: f?.description ?? '',
    required: f?.required ?? false,
    active: f?.active ?? true,
    visible_in_portal: f?.visible_in_portal ?? false,
    editable_in_portal: f?.editable_in_portal ?? false,
    regexp: f?.regexp_for_validation ?? '',
  });
  const [choices, setChoices] = useState<Choice[]>(
    (f?.custom_field_options ?? []).map((o, i) => ({ key: i, id: o.id, name: o.name, value: o.value })),
  );
  const [nextKey, setNextKey] = useState(1000);
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);

  const addChoice = () => {
    setChoices([...choices, { key: nextKey, name: '', value: '' }]);
    setNextKey(nextKey + 1);
  };
  const setChoice = (i: number, patch: Partial<Choice>) =>
    setChoices(choices.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const move = (i: number, by: number) => {
    const next = [...choices];
    const [c] = next.splice(i, 1);
    next.splice(i + by, 0, c);
    setChoices(next);
  };

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setFailure(noFailure);
    setDone(null);
    const body: Record<string, unknown> = {
      title: form.title,
      description: form.description,
      required: form.required,
      active: form.active,
      visible_in_portal: form.visible_in_portal,
      editable_in_portal: form.editable_in_portal,
    };
    if (!f) body.type = form.type;
    if (form.type === 'regexp') body.regexp_for_validation = form.regexp;
    if (hasChoices(form.type)) {
      body.custom_field_options = choices.map((c, i) => ({
        ...(c.id ? { id: c.id } : {}),
        name: c.name,
        value: c.value || c.name,
        position: i,
      }));
    }
    try {
      if (f) {
        await put(`/api/v2/ticket_fields/${f.id}`, { ticket_field: body });
        setDone(t('cfg.saved'));
      } else {
        const r = await post<{ ticket_field: TicketField }>('/api/v2/ticket_fields', { ticket_field: body });
        navigate(`/admin/ticket-fields/${r.ticket_field.id}`);
      }
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  async function remove() {
    if (!f || !confirmed(t('cfg.fields.confirmDelete', { name: f.title }))) return;
    try {
      await api('DELETE', `/api/v2/ticket_fields/${f.id}`);
      navigate('/admin/ticket-fields');
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  const check = (k: 'required' | 'active' | 'visible_in_portal' | 'editable_in_portal', label: MessageKey) => (
    <label className="cfg-check">
      <input type="checkbox" checked={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.checked })} />{' '}
      {t(label)}
    </label>
  );

  return (
    <div className="cfg">
      <p>
        <a href={`${BASE}/admin/ticket-fields`} onClick={onLinkClick}>
          {t('cfg.fields.back')}
        </a>
      </p>
      <h1>{f ? f.title : t('cfg.fields.new')}</h1>
      <Outcome done={done} />
      <form className="cfg-form" onSubmit={(e) => void save(e)} aria-label={f ? f.title : t('cfg.fields.new')}>
        <Field label={t('cfg.fields.type')} error={failure.fields.type}>
          {(a) => (
            <select {...a} value={form.type} disabled={!!f} onChange={(e) => setForm({ ...form, type: e.target.value })}>
              {TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {t(typeLabel(ty))}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('cfg.fields.fieldTitle')} error={failure.fields.title}>
          {(a) => (
            <input {...a} type="text" required value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
          )}
        </Field>
        <Field label={t('cfg.description')} error={failure.fields.description}>
          {(a) => (
            <textarea {...a} rows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
          )}
        </Field>
        {form.type === 'regexp' && (
          <Field label={t('cfg.fields.regexp')} error={failure.fields.regexp_for_validation}>
            {(a) => (
              <input {...a} type="text" required value={form.regexp} onChange={(e) => setForm({ ...form, regexp: e.target.value })} />
            )}
          </Field>
        )}
        {hasChoices(form.type) && (
          <fieldset className="cfg-choices">
            <legend>{t('cfg.fields.choices')}</legend>
            {failure.fields.custom_field_options && (
              <span className="field-error" role="alert">
                {failure.fields.custom_field_options}
              </span>
            )}
            <ol>
              {choices.map((c, i) => (
                <li key={c.key}>
                  <label>
                    {t('cfg.fields.choiceName', { n: i + 1 })}
                    <input type="text" required value={c.name} onChange={(e) => setChoice(i, { name: e.target.value })} />
                  </label>
                  <label>
                    {t('cfg.fields.choiceTag', { n: i + 1 })}
                    <input
                      type="text"
                      value={c.value}
                      placeholder={c.name}
                      onChange={(e) => setChoice(i, { value: e.target.value })}
                    />
                  </label>
                  <span className="cfg-actions">
                    <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                      {t('cfg.up')}
                      <span className="visually-hidden"> {c.name}</span>
                    </button>
                    <button type="button" disabled={i === choices.length - 1} onClick={() => move(i, 1)}>
                      {t('cfg.down')}
                      <span className="visually-hidden"> {c.name}</span>
                    </button>
                    <button type="button" onClick={() => setChoices(choices.filter((_, j) => j !== i))}>
                      {t('cfg.remove')}
                      <span className="visually-hidden"> {c.name}</span>
                    </button>
                  </span>
                </li>
              ))}
            </ol>
            <button type="button" onClick={addChoice}>
              {t('cfg.fields.addChoice')}
            </button>
          </fieldset>
        )}
        {check('required', 'cfg.fields.required')}
        {check('active', 'cfg.active')}
        {check('visible_in_portal', 'cfg.fields.visibleInPortal')}
        {check('editable_in_portal', 'cfg.fields.editableInPortal')}
        <Outcome failure={failure} />
        <SaveOrDelete existing={!!f} onDelete={() => void remove()} />
      </form>
    </div>
  );
}
