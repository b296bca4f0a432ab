// Custom fields by the ticket's form: a form picker, then the form's fields with the
// control of their type (GET /ticket_forms, /ticket_fields). Values are sent with the
// rest of the ticket; a 422 for a field ("<title>: is not …") is shown under it.
import { useEffect, useState } from 'react';
import { get } from '../../api';
import { useI18n } from '../../i18n';
import type { TicketField, TicketForm } from './types';

export type FieldValue = string | boolean | string[] | null;

const SYSTEM = new Set(['subject', 'description', 'status', 'tickettype', 'priority', 'group', 'assignee', 'custom_status']);

export function useFormsAndFields() {
  const [forms, setForms] = useState<TicketForm[]>([]);
  const [fields, setFields] = useState<TicketField[]>([]);
  useEffect(() => {
    Promise.all([
      get<{ ticket_forms: TicketForm[] }>('/api/v2/ticket_forms?active=true'),
      get<{ ticket_fields: TicketField[] }>('/api/v2/ticket_fields?per_page=100'),
    ])
      .then(([fo, fi]) => {
        setForms(fo.ticket_forms.filter((f) => f.active));
        setFields(fi.ticket_fields);
      })
      .catch(() => {});
  }, []);
  return { forms, fields };
}

// Values as the API keeps them → what the controls show.
export function valuesOf(list: { id: number; value: unknown }[] | undefined): Record<number, FieldValue> {
  const out: Record<number, FieldValue> = {};
  for (const e of list ?? []) {
    if (Array.isArray(e.value)) out[e.id] = e.value.map(String);
    else if (typeof e.value === 'boolean') out[e.id] = e.value;
    else out[e.id] = e.value === null || e.value === undefined ? null : String(e.value);
  }
  return out;
}

const same = (a: FieldValue | undefined, b: FieldValue | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// The entries to send: those that differ from `before`.
export function changedFields(values: Record<number, FieldValue>, before: Record<number, FieldValue>) {
  const out: { id: number; value: FieldValue }[] = [];
  for (const [k, v] of Object.entries(values)) {
    const id = Number(k);
    const value = v === '' ? null : v;
    if (!same(value, before[id] ?? null)) out.push({ id, value });
  }
  return out;
}

// "Title: must be a whole number" from the 422's custom_fields details → per field.
export function errorsByField(fields: TicketField[], message: string | undefined): Record<number, string> {
  const out: Record<number, string> = {};
  if (!message) return out;
  for (const f of fields) {
    const prefix = `${f.title}: `;
    const at = message.indexOf(prefix);
    if (at >= 0) {
      const rest = message.slice(at + prefix.length);
      const end = fields
        .map((o) => rest.indexOf(` ${o.title}: `))
        .filter((i) => i >= 0)
        .reduce((a, b) => Math.min(a, b), rest.length);
      out[f.id] = rest.slice(0, end).trim();
    }
  }
  return out;
}

export function CustomFields(props: {
  forms: TicketForm[];
  fields: TicketField[];
  formId: string;
  onForm: (id: string) => void;
  values: Record<number, FieldValue>;
  onValue: (id: number, v: FieldValue) => void;
  error?: string; // the 422 message for custom_fields
  idPrefix: string;
}) {
  const { t } = useI18n();
  const form = props.forms.find((f) => String(f.id) === props.formId) ?? props.forms.find((f) => f.default);
  const byId = new Map(props.fields.map((f) => [f.id, f]));
  const shown = (form ? form.ticket_field_ids.map((id) => byId.get(id)).filter((f): f is TicketField => !!f) : props.fields)
    .filter((f) => f.active && !SYSTEM.has(f.type));
  const errors = errorsByField(shown, props.error);
  const unplaced = props.error && Object.keys(errors).length === 0 ? props.error : null;
  const fid = (id: number) => `${props.idPrefix}-cf-${id}`;

  const control = (f: TicketField) => {
    const v = props.values[f.id] ?? null;
    const common = {
      id: fid(f.id),
      'aria-describedby': errors[f.id] ? `${fid(f.id)}-error` : undefined,
      'aria-invalid': errors[f.id] ? true : undefined,
      'data-field-id': f.id,
    };
    switch (f.type) {
      case 'textarea':
        return <textarea {...common} rows={3} value={String(v ?? '')} onChange={(e) => props.onValue(f.id, e.target.value)} />;
      case 'checkbox':
        return <input {...common} type="checkbox" checked={v === true} onChange={(e) => props.onValue(f.id, e.target.checked)} />;
      case 'tagger':
      case 'dropdown':
        return (
          <select {...common} value={String(v ?? '')} onChange={(e) => props.onValue(f.id, e.target.value || null)}>
            <option value="">{t('tk.choose')}</option>
            {(f.custom_field_options ?? []).map((o) => (
              <option key={o.id} value={o.value}>
                {o.name}
              </option>
            ))}
          </select>
        );
      case 'multiselect':
        return (
          <select
            {...common}
            multiple
            value={Array.isArray(v) ? v : []}
            onChange={(e) => props.onValue(f.id, Array.from(e.target.selectedOptions).map((o) => o.value))}
          >
            {(f.custom_field_options ?? []).map((o) => (
              <option key={o.id} value={o.value}>
                {o.name}
              </option>
            ))}
          </select>
        );
      case 'integer':
        return <input {...common} type="text" inputMode="numeric" value={String(v ?? '')} onChange={(e) => props.onValue(f.id, e.target.value)} />;
      case 'decimal':
        return <input {...common} type="text" inputMode="decimal" value={String(v ?? '')} onChange={(e) => props.onValue(f.id, e.target.value)} />;
      case 'date':
        return <input {...common} type="date" value={String(v ?? '')} onChange={(e) => props.onValue(f.id, e.target.value)} />;
      default:
        return <input {...common} type="text" value={String(v ?? '')} onChange={(e) => props.onValue(f.id, e.target.value)} />;
    }
  };

  return (
    <div className="custom-fields">
      {props.forms.length > 0 && (
        <>
          <label htmlFor={`${props.idPrefix}-form`}>{t('tk.form')}</label>
          <select id={`${props.idPrefix}-form`} value={form ? String(form.id) : ''} onChange={(e) => props.onForm(e.target.value)}>
            {props.forms.map((f) => (
              <option key={f.id} value={f.id}>
                {f.display_name || f.name}
              </option>
            ))}
          </select>
        </>
      )}
      {shown.length > 0 && (
        <fieldset className="form-fields">
          <legend>{t('tk.fieldsOfForm')}</legend>
          {shown.map((f) => (
            <div key={f.id} className={`cf cf-${f.type}`}>
              <label htmlFor={fid(f.id)}>
                {f.title}
                {f.required ? ' *' : ''}
              </label>
              {control(f)}
              {errors[f.id] && (
                <span className="field-error" id={`${fid(f.id)}-error`}>
                  {errors[f.id]}
                </span>
              )}
            </div>
          ))}
        </fieldset>
      )}
      {unplaced && <span className="field-error">{unplaced}</span>}
    </div>
  );
}
