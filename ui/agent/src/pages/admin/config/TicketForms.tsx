// Ticket forms: list, create, edit (name, name shown to end users, which fields and in
// which order, active, default, visible to end users), delete.
import { useState } from 'react';
import { api, get, post, put } from '../../../api';
import { useI18n } from '../../../i18n';
import { BASE, navigate, onLinkClick } from '../../../router';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, confirmed, failureOf, noFailure, useLoad, type Failure, SaveOrDelete } from './common';
import { typeLabel, type TicketField } from './TicketFields';

interface TicketForm {
  id: number;
  name: string;
  display_name: string;
  ticket_field_ids: number[];
  active: boolean;
  default: boolean;
  end_user_visible: boolean;
}

export default function TicketForms(props: SectionProps) {
  const { t } = useI18n();
  const id = props.path === 'new' ? -1 : Number(props.path) || 0;
  const { data, error, reload } = useLoad(
    () =>
      Promise.all([
        get<{ ticket_forms: TicketForm[] }>('/api/v2/ticket_forms'),
        get<{ ticket_fields: TicketField[] }>('/api/v2/ticket_fields'),
      ]),
    [],
  );
  if (!data) return <Loading error={error} />;
  const [{ ticket_forms: forms }, { ticket_fields: fields }] = data;
  if (id) {
    const f = forms.find((x) => x.id === id);
    if (id > 0 && !f) return <p role="alert">{t('admin.notFound')}</p>;
    return <FormEditor key={id} form={f ?? null} fields={fields} onChange={reload} />;
  }
  return (
    <div className="cfg">
      <h1>{t('cfg.forms.title')}</h1>
      <p>
        <a className="cfg-button" href={`${BASE}/admin/ticket-forms/new`} onClick={onLinkClick}>
          {t('cfg.forms.new')}
        </a>
      </p>
      {forms.length === 0 ? (
        <p>{t('cfg.forms.none')}</p>
      ) : (
        <ul className="cfg-list">
          {forms.map((f) => (
            <li key={f.id}>
              <a href={`${BASE}/admin/ticket-forms/${f.id}`} onClick={onLinkClick}>
                {f.name}
              </a>{' '}
              <span className="hint">
                {t('cfg.forms.fieldCount', { count: f.ticket_field_ids.length })}
                {f.default && `, ${t('cfg.forms.default')}`}
                {!f.active && `, ${t('cfg.inactive')}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function FormEditor(props: { form: TicketForm | null; fields: TicketField[]; onChange: () => void }) {
  const { t } = useI18n();
  const f = props.form;
  const byId = new Map(props.fields.map((x) => [x.id, x]));
  const [name, setName] = useState(f?.name ?? '');
  const [display, setDisplay] = useState(f?.display_name ?? '');
  const [active, setActive] = useState(f?.active ?? true);
  const [isDefault, setIsDefault] = useState(f?.default ?? false);
  const [visible, setVisible] = useState(f?.end_user_visible ?? true);
  const [chosen, setChosen] = useState<number[]>(f?.ticket_field_ids ?? []);
  const [adding, setAdding] = useState('');
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);

  const move = (i: number, by: number) => {
    const next = [...chosen];
    const [c] = next.splice(i, 1);
    next.splice(i + by, 0, c);
    setChosen(next);
  };

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setFailure(noFailure);
    setDone(null);
    const body = {
      ticket_form: {
        name,
        display_name: display || name,
        active,
        default: isDefault,
        end_user_visible: visible,
        ticket_field_ids: chosen,
      },
    };
    try {
      if (f) {
        await put(`/api/v2/ticket_forms/${f.id}`, body);
        setDone(t('cfg.saved'));
      } else {
        const r = await post<{ ticket_form: TicketForm }>('/api/v2/ticket_forms', body);
        navigate(`/admin/ticket-forms/${r.ticket_form.id}`);
      }
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  async function remove() {
    if (!f || !confirmed(t('cfg.forms.confirmDelete', { name: f.name }))) return;
    try {
      await api('DELETE', `/api/v2/ticket_forms/${f.id}`);
      navigate('/admin/ticket-forms');
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }

  const available = props.fields.filter((x) => !chosen.includes(x.id) && x.active);
  return (
    <div className="cfg">
      <p>
        <a href={`${BASE}/admin/ticket-forms`} onClick={onLinkClick}>
          {t('cfg.forms.back')}
        </a>
      </p>
      <h1>{f ? f.name : t('cfg.forms.new')}</h1>
      <Outcome done={done} />
      <form className="cfg-form" onSubmit={(e) => void save(e)} aria-label={f ? f.name : t('cfg.forms.new')}>
        <Field label={t('cfg.name')} error={failure.fields.name}>
          {(a) => <input {...a} type="text" required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('cfg.forms.displayName')} error={failure.fields.display_name}>
          {(a) => <input {...a} type="text" value={display} onChange={(e) => setDisplay(e.target.value)} />}
        </Field>
        <fieldset className="cfg-choices">
          <legend>{t('cfg.forms.fields')}</legend>
          {failure.fields.ticket_field_ids && (
            <span className="field-error" role="alert">
              {failure.fields.ticket_field_ids}
            </span>
          )}
          {chosen.length === 0 ? (
            <p>{t('cfg.forms.noFields')}</p>
          ) : (
            <ol aria-label={t('cfg.forms.fields')}>
              {chosen.map((fid, i) => {
                const label = byId.get(fid)?.title ?? `#${fid}`;
                return (
                  <li key={fid}>
                    <span>
                      {label} <span className="hint">({t(typeLabel(byId.get(fid)?.type ?? ''))})</span>
                    </span>
                    <span className="cfg-actions">
                      <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                        {t('cfg.up')}
                        <span className="visually-hidden"> {label}</span>
                      </button>
                      <button type="button" disabled={i === chosen.length - 1} onClick={() => move(i, 1)}>
                        {t('cfg.down')}
                        <span className="visually-hidden"> {label}</span>
                      </button>
                      <button type="button" onClick={() => setChosen(chosen.filter((x) => x !== fid))}>
                        {t('cfg.remove')}
                        <span className="visually-hidden"> {label}</span>
                      </button>
                    </span>
                  </li>
                );
              })}
            </ol>
          )}
          <div className="cfg-inline">
            <label htmlFor="cfg-form-add">{t('cfg.forms.addField')}</label>
            <select id="cfg-form-add" value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">{t('cfg.choose')}</option>
              {available.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.title}
                </option>
              ))}
            </select>
            <button
              type="button"
              disabled={!adding}
              onClick={() => {
                setChosen([...chosen, Number(adding)]);
                setAdding('');
              }}
            >
              {t('cfg.forms.add')}
            </button>
          </div>
        </fieldset>
        <label className="cfg-check">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> {t('cfg.active')}
        </label>
        <label className="cfg-check">
          <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />{' '}
          {t('cfg.forms.default')}
        </label>
        <label className="cfg-check">
          <input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} />{' '}
          {t('cfg.forms.endUserVisible')}
        </label>
        <Outcome failure={failure} />
        <SaveOrDelete existing={!!f} onDelete={() => void remove()} />
      </form>
    </div>
  );
}
