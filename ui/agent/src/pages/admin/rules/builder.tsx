// The condition and action builder shared by the rule editors (triggers, automations,
// views, macros, SLA filters). Every choice comes from the API's `definitions`: a row is
// field → operator → value, the value control chosen by the definition (a select of its
// values — statuses, groups, agents … — a text or a number box); nothing is typed as JSON.
// A 422's details name the row ("conditions.all[1]: …", "actions[0]: …"): rowErrors()
// turns them into messages shown under that row.
import { useId } from 'react';
import { ApiError } from '../../../api';
import { useI18n } from '../../../i18n';
import { FieldError } from '../../../components/FieldError';

export interface DefValue {
  value: string | number | boolean;
  title: string;
  enabled?: boolean;
}
export interface DefOperator {
  value: string;
  title: string;
  terminal?: boolean;
}
export interface Definition {
  subject: string;
  title: string;
  type: string; // "list", "text", "number"
  group?: string;
  nullable?: boolean;
  repeatable?: boolean;
  operators?: DefOperator[];
  values?: DefValue[];
}
export interface Definitions {
  actions: Definition[];
  conditions_all: Definition[];
  conditions_any: Definition[];
  columns?: { id: string; title: string; sortable: boolean }[];
}

export interface ConditionRow {
  field: string;
  operator: string;
  value: string;
}
export interface ActionRow {
  field: string;
  value: string | string[];
}

// The API's values are strings, numbers or booleans; the form keeps strings.
export const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function conditionsFromApi(list: unknown): ConditionRow[] {
  if (!Array.isArray(list)) return [];
  return list.map((c: { field?: unknown; operator?: unknown; value?: unknown }) => ({
    field: str(c.field),
    operator: str(c.operator),
    value: Array.isArray(c.value) ? c.value.map(str).join(' ') : str(c.value),
  }));
}

export function actionsFromApi(list: unknown): ActionRow[] {
  if (!Array.isArray(list)) return [];
  return list.map((a: { field?: unknown; value?: unknown }) => ({
    field: str(a.field),
    value: Array.isArray(a.value) ? a.value.map(str) : str(a.value),
  }));
}

export function conditionsToApi(rows: ConditionRow[], defs: Definition[]) {
  return rows
    .filter((r) => r.field !== '')
    .map((r) => {
      const op = defs.find((d) => d.subject === r.field)?.operators?.find((o) => o.value === r.operator);
      return op?.terminal ? { field: r.field, operator: r.operator } : { ...r };
    });
}

export function actionsToApi(rows: ActionRow[]) {
  return rows.filter((r) => r.field !== '').map((r) => ({ field: r.field, value: r.value }));
}

// The shape of the value of a multi-part action (notifications): [target, subject, body]
// or [target, body].
export function actionParts(field: string): ('target' | 'subject' | 'body')[] | null {
  if (field === 'notification_user' || field === 'notification_group') return ['target', 'subject', 'body'];
  if (field === 'notification_webhook' || field === 'notification_target') return ['target', 'body'];
  return null;
}

function emptyValue(def: Definition | undefined): string | string[] {
  if (!def) return '';
  const parts = actionParts(def.subject);
  if (parts) return parts.map((_, i) => (i === 0 ? str(def.values?.[0]?.value) : ''));
  if (def.type === 'list') return str(def.values?.[0]?.value);
  return '';
}

// "conditions.all[2]: …" → {"all.2": "…"}; "actions[0]: …" → {"actions.0": …};
// "policy_metrics[3]: …" → {"policy_metrics.3": …}; other details keep their field name
// ("title" → …). `general` gathers what names no row or field.
export function rowErrors(e: unknown): { rows: Record<string, string>; general: string | null } {
  const rows: Record<string, string> = {};
  if (!(e instanceof ApiError)) return { rows, general: e instanceof Error ? e.message : String(e) };
  const details = e.body?.details ?? {};
  let placed = false;
  for (const [field, list] of Object.entries(details)) {
    for (const d of list) {
      const text = d.description ?? d.error ?? '';
      const m = /(?:^|[\s.:])(all|any|actions|policy_metrics)\[(\d+)\]/.exec(text);
      const key = m ? `${m[1]}.${m[2]}` : field;
      rows[key] = rows[key] ? `${rows[key]} ${text}` : text;
      placed = true;
    }
  }
  if (!placed) {
    const m = /(?:^|[\s.:])(all|any|actions|policy_metrics)\[(\d+)\]/.exec(e.message);
    if (m) {
      rows[`${m[1]}.${m[2]}`] = e.message;
      placed = true;
    }
  }
  return { rows, general: placed ? null : e.message };
}


function ValueControl(props: {
  def: Definition | undefined;
  value: string;
  label: string;
  describedBy?: string;
  multiline?: boolean;
  onChange: (v: string) => void;
}) {
  const { def, value, label } = props;
  const values = def?.values ?? [];
  if (def && def.type === 'list' && values.length > 0) {
    const known = values.some((v) => str(v.value) === value);
    return (
      <select aria-label={label} aria-describedby={props.describedBy} value={value} onChange={(e) => props.onChange(e.target.value)}>
        {!known && <option value={value}>{value === '' ? '—' : value}</option>}
        {values.map((v) => (
          <option key={str(v.value)} value={str(v.value)} disabled={v.enabled === false}>
            {v.title}
          </option>
        ))}
      </select>
    );
  }
  if (props.multiline) {
    return (
      <textarea aria-label={label} aria-describedby={props.describedBy} rows={3} value={value} onChange={(e) => props.onChange(e.target.value)} />
    );
  }
  return (
    <input
      type={def?.type === 'number' ? 'number' : 'text'}
      inputMode={def?.type === 'number' ? 'numeric' : undefined}
      aria-label={label}
      aria-describedby={props.describedBy}
      value={value}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

// One list of condition rows ("all" or "any").
export function ConditionList(props: {
  which: 'all' | 'any';
  legend: string;
  defs: Definition[];
  rows: ConditionRow[];
  errors: Record<string, string>;
  onChange: (rows: ConditionRow[]) => void;
}) {
  const { t } = useI18n();
  const uid = useId();
  const { defs, rows } = props;
  const set = (i: number, row: ConditionRow) => props.onChange(rows.map((r, j) => (j === i ? row : r)));
  const add = () => {
    const d = defs[0];
    props.onChange([...rows, { field: d?.subject ?? '', operator: d?.operators?.[0]?.value ?? 'is', value: str(emptyValue(d)) }]);
  };
  return (
    <fieldset className="builder" data-list={props.which}>
      <legend>{props.legend}</legend>
      {rows.length === 0 && <p className="hint">{t('rules.builder.none')}</p>}
      <ol className="builder-rows">
        {rows.map((row, i) => {
          const def = defs.find((d) => d.subject === row.field);
          const op = def?.operators?.find((o) => o.value === row.operator);
          const errId = `${uid}-${i}-err`;
          const err = props.errors[`${props.which}.${i}`];
          const n = i + 1;
          return (
            <li key={i} className={err ? 'builder-row invalid' : 'builder-row'} data-row={i}>
              <select
                aria-label={t('rules.builder.field', { n })}
                aria-describedby={err ? errId : undefined}
                value={row.field}
                onChange={(e) => {
                  const d = defs.find((x) => x.subject === e.target.value);
                  set(i, { field: e.target.value, operator: d?.operators?.[0]?.value ?? 'is', value: str(emptyValue(d)) });
                }}
              >
                {!def && <option value={row.field}>{row.field}</option>}
                {defs.map((d) => (
                  <option key={d.subject} value={d.subject}>
                    {d.title}
                  </option>
                ))}
              </select>
              <select
                aria-label={t('rules.builder.operator', { n })}
                value={row.operator}
                onChange={(e) => set(i, { ...row, operator: e.target.value })}
              >
                {def?.operators?.every((o) => o.value !== row.operator) !== false && <option value={row.operator}>{row.operator}</option>}
                {(def?.operators ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.title}
                  </option>
                ))}
              </select>
              {op?.terminal ? (
                <span className="builder-novalue" />
              ) : (
                <ValueControl
                  def={def}
                  value={row.value}
                  label={t('rules.builder.value', { n })}
                  describedBy={err ? errId : undefined}
                  onChange={(v) => set(i, { ...row, value: v })}
                />
              )}
              <button type="button" className="remove" onClick={() => props.onChange(rows.filter((_, j) => j !== i))}>
                {t('rules.builder.remove')}
                <span className="visually-hidden"> {t('rules.builder.conditionN', { n })}</span>
              </button>
              <FieldError id={errId} message={err} />
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={add} disabled={defs.length === 0}>
        {props.which === 'all' ? t('rules.builder.addAll') : t('rules.builder.addAny')}
      </button>
    </fieldset>
  );
}

export function ActionList(props: {
  legend: string;
  defs: Definition[];
  rows: ActionRow[];
  errors: Record<string, string>;
  onChange: (rows: ActionRow[]) => void;
}) {
  const { t } = useI18n();
  const uid = useId();
  const { defs, rows } = props;
  const set = (i: number, row: ActionRow) => props.onChange(rows.map((r, j) => (j === i ? row : r)));
  const add = () => {
    const d = defs[0];
    props.onChange([...rows, { field: d?.subject ?? '', value: emptyValue(d) }]);
  };
  const partLabel = { target: 'rules.builder.recipient', subject: 'rules.builder.subject', body: 'rules.builder.body' } as const;
  return (
    <fieldset className="builder" data-list="actions">
      <legend>{props.legend}</legend>
      {rows.length === 0 && <p className="hint">{t('rules.builder.none')}</p>}
      <ol className="builder-rows">
        {rows.map((row, i) => {
          const def = defs.find((d) => d.subject === row.field);
          const parts = actionParts(row.field);
          const errId = `${uid}-${i}-err`;
          const err = props.errors[`actions.${i}`];
          const n = i + 1;
          const values = Array.isArray(row.value) ? row.value : [row.value];
          return (
            <li key={i} className={err ? 'builder-row action invalid' : 'builder-row action'} data-row={i}>
              <select
                aria-label={t('rules.builder.action', { n })}
                aria-describedby={err ? errId : undefined}
                value={row.field}
                onChange={(e) => {
                  const d = defs.find((x) => x.subject === e.target.value);
                  set(i, { field: e.target.value, value: emptyValue(d) });
                }}
              >
                {!def && <option value={row.field}>{row.field}</option>}
                {defs.map((d) => (
                  <option key={d.subject} value={d.subject}>
                    {d.title}
                  </option>
                ))}
              </select>
              {parts ? (
                <div className="builder-parts">
                  {parts.map((p, k) => (
                    <ValueControl
                      key={p}
                      def={k === 0 ? def : { subject: p, title: p, type: 'text' }}
                      multiline={p === 'body'}
                      value={values[k] ?? ''}
                      label={t(partLabel[p], { n })}
                      describedBy={err ? errId : undefined}
                      onChange={(v) => {
                        const next = parts.map((_, x) => values[x] ?? '');
                        next[k] = v;
                        set(i, { ...row, value: next });
                      }}
                    />
                  ))}
                </div>
              ) : (
                <ValueControl
                  def={def}
                  multiline={row.field.startsWith('comment_value')}
                  value={values.join(' ')}
                  label={t('rules.builder.value', { n })}
                  describedBy={err ? errId : undefined}
                  onChange={(v) => set(i, { ...row, value: v })}
                />
              )}
              <button type="button" className="remove" onClick={() => props.onChange(rows.filter((_, j) => j !== i))}>
                {t('rules.builder.remove')}
                <span className="visually-hidden"> {t('rules.builder.actionN', { n })}</span>
              </button>
              <FieldError id={errId} message={err} />
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={add} disabled={defs.length === 0}>
        {t('rules.builder.addAction')}
      </button>
    </fieldset>
  );
}
