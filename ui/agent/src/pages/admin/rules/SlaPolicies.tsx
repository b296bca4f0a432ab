// SLA policies: the list in position order (up/down → PUT /slas/policies/reorder), and
// an editor: title, description, the filter (the condition builder, fed by
// /slas/policies/definitions) and a targets grid, priority × metric, each cell a number
// with its unit (minutes or hours) and business or calendar hours. A 422 naming
// policy_metrics[i] is shown in the cell that produced it.
import { useCallback, useEffect, useId, useState } from 'react';
import { api, ApiError, get, post, put } from '../../../api';
import { useI18n, type MessageKey } from '../../../i18n';
import { BASE, navigate, onLinkClick } from '../../../router';
import type { SectionProps } from '../sections';
import { FieldError } from '../../../components/FieldError';
import { ConditionList, conditionsFromApi, conditionsToApi, rowErrors, type ConditionRow, type Definition } from './builder';
import { ListFrame, SaveBar } from './frame';
import './rules.css';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
const METRICS = [
  'first_reply_time',
  'next_reply_time',
  'periodic_update_time',
  'pausable_update_time',
  'requester_wait_time',
  'agent_work_time',
] as const;

interface PolicyMetric {
  priority: string;
  metric: string;
  target: number;
  business_hours: boolean;
}
interface Policy {
  id: number;
  title: string;
  description: string | null;
  position: number;
  filter: { all?: unknown; any?: unknown };
  policy_metrics: PolicyMetric[];
}
interface Cell {
  value: string;
  unit: 'minutes' | 'hours';
  business: boolean;
}

const cellKey = (p: string, m: string) => `${p}/${m}`;

export default function SlaPolicies(props: SectionProps) {
  const path = props.path.split('/')[0];
  if (path === '') return <PolicyList />;
  return <PolicyEditor key={path} id={path === 'new' ? null : Number(path)} />;
}

function PolicyList() {
  const { t } = useI18n();
  const [list, setList] = useState<Policy[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: number; text: string } | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    const r = await get<{ sla_policies: Policy[] }>('/api/v2/slas/policies.json');
    setList([...r.sla_policies].sort((a, b) => a.position - b.position));
  }, []);
  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);

  const move = async (i: number, delta: number) => {
    if (!list) return;
    const next = [...list];
    const j = i + delta;
    [next[i], next[j]] = [next[j], next[i]];
    setBusy(true);
    try {
      await put('/api/v2/slas/policies/reorder.json', { sla_policy_ids: next.map((p) => p.id) });
      await load();
      setStatus(t('rules.moved', { title: next[j].title, n: j + 1 }));
      requestAnimationFrame(() => {
        const row = document.querySelector<HTMLElement>(`[data-rule-id="${next[j].id}"]`);
        (row?.querySelector<HTMLButtonElement>(delta < 0 ? 'button.up:not(:disabled)' : 'button.down:not(:disabled)') ?? row?.querySelector<HTMLButtonElement>('button.up, button.down'))?.focus();
      });
    } catch (e) {
      setRowError({ id: next[j].id, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const remove = async (p: Policy) => {
    if (!window.confirm(t('rules.confirmDelete', { title: p.title }))) return;
    try {
      await api('DELETE', `/api/v2/slas/policies/${p.id}.json`);
      await load();
      setStatus(t('rules.deleted', { title: p.title }));
    } catch (e) {
      setRowError({ id: p.id, text: (e as Error).message });
    }
  };

  return (
    <ListFrame
      headingId="sla-heading"
      title={t('rules.slas')}
      newHref={`${BASE}/admin/slas/new`}
      newLabel={t('rules.new.sla')}
      hint={t('rules.sla.hint')}
      error={error}
      status={status}
      count={list === null ? null : list.length}
    >
      <table className="rules-table">
        <thead>
          <tr>
            <th scope="col">{t('rules.col.position')}</th>
            <th scope="col">{t('rules.col.title')}</th>
            <th scope="col">{t('rules.sla.targets')}</th>
            <th scope="col">{t('rules.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(list ?? []).map((p, i, all) => (
            <tr key={p.id} data-rule-id={p.id}>
              <td>{i + 1}</td>
              <td>
                <a href={`${BASE}/admin/slas/${p.id}`} onClick={onLinkClick}>
                  {p.title}
                </a>
                {rowError?.id === p.id && (
                  <span className="field-error" role="alert">
                    {rowError.text}
                  </span>
                )}
              </td>
              <td>{p.policy_metrics.length}</td>
              <td className="rule-actions">
                <button type="button" className="up" disabled={busy || i === 0} onClick={() => void move(i, -1)}>
                  <span aria-hidden="true">↑</span>
                  <span className="visually-hidden">{t('rules.moveUp', { title: p.title })}</span>
                </button>
                <button type="button" className="down" disabled={busy || i === all.length - 1} onClick={() => void move(i, 1)}>
                  <span aria-hidden="true">↓</span>
                  <span className="visually-hidden">{t('rules.moveDown', { title: p.title })}</span>
                </button>
                <button type="button" onClick={() => void remove(p)}>
                  {t('rules.delete')}
                  <span className="visually-hidden"> {p.title}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ListFrame>
  );
}

function PolicyEditor(props: { id: number | null }) {
  const { t } = useI18n();
  const uid = useId();
  const [defs, setDefs] = useState<{ all: Definition[]; any: Definition[] } | null>(null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState<ConditionRow[]>([]);
  const [any, setAny] = useState<ConditionRow[]>([]);
  const [cells, setCells] = useState<Record<string, Cell>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [cellErrors, setCellErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saved, setSaved] = useState('');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let gone = false;
    (async () => {
      try {
        const d = await get<{ definitions: { all: Definition[]; any: Definition[] } }>('/api/v2/slas/policies/definitions.json');
        if (gone) return;
        setDefs(d.definitions);
        if (props.id) {
          const r = await get<{ sla_policy: Policy }>(`/api/v2/slas/policies/${props.id}.json`);
          if (gone) return;
          const p = r.sla_policy;
          setTitle(p.title);
          setDescription(p.description ?? '');
          setAll(conditionsFromApi(p.filter?.all));
          setAny(conditionsFromApi(p.filter?.any));
          const c: Record<string, Cell> = {};
          for (const m of p.policy_metrics) {
            const hours = m.target % 60 === 0;
            c[cellKey(m.priority, m.metric)] = { value: String(hours ? m.target / 60 : m.target), unit: hours ? 'hours' : 'minutes', business: m.business_hours };
          }
          setCells(c);
        }
      } catch (e) {
        if (!gone) setLoadError(e instanceof ApiError && e.status === 404 ? t('error.notFound') : (e as Error).message);
      }
    })();
    return () => {
      gone = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t changes with the language only
  }, [props.id]);

  const cell = (p: string, m: string): Cell => cells[cellKey(p, m)] ?? { value: '', unit: 'hours', business: true };
  const setCell = (p: string, m: string, c: Cell) => setCells({ ...cells, [cellKey(p, m)]: c });

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!defs) return;
    setSaving(true);
    setErrors({});
    setCellErrors({});
    setGeneral(null);
    setSaved('');
    // The targets sent, in grid order; a cell's index in this list is the one a 422 names.
    const sent: { key: string; metric: PolicyMetric }[] = [];
    for (const p of PRIORITIES) {
      for (const m of METRICS) {
        const c = cell(p, m);
        if (c.value.trim() === '') continue;
        const n = Number(c.value);
        const target = Number.isFinite(n) ? n * (c.unit === 'hours' ? 60 : 1) : NaN;
        sent.push({ key: cellKey(p, m), metric: { priority: p, metric: m, target: Number.isFinite(target) ? target : (c.value as unknown as number), business_hours: c.business } });
      }
    }
    const body = {
      sla_policy: {
        title,
        description,
        filter: { all: conditionsToApi(all, defs.all), any: conditionsToApi(any, defs.any) },
        policy_metrics: sent.map((s) => s.metric),
      },
    };
    try {
      if (props.id) {
        await put(`/api/v2/slas/policies/${props.id}.json`, body);
        setSaved(t('rules.saved'));
      } else {
        const r = await post<{ sla_policy: Policy }>('/api/v2/slas/policies.json', body);
        navigate(`/admin/slas/${r.sla_policy.id}`, true);
      }
    } catch (err) {
      const { rows, general: g } = rowErrors(err);
      const ce: Record<string, string> = {};
      const rest: Record<string, string> = {};
      for (const [k, v] of Object.entries(rows)) {
        const m = /^policy_metrics\.(\d+)$/.exec(k);
        if (m && sent[Number(m[1])]) ce[sent[Number(m[1])].key] = v;
        else rest[k] = v;
      }
      setCellErrors(ce);
      setErrors(rest);
      const unplaced = Object.entries(rest)
        .filter(([k]) => !/^(all|any)\.\d+$/.test(k) && k !== 'title' && k !== 'filter')
        .map(([, v]) => v);
      setGeneral(g ?? (unplaced.length ? unplaced.join(' ') : null));
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <p role="alert" className="error">{loadError}</p>;
  if (!defs) return <p role="status">{t('app.loading')}</p>;
  return (
    <form className="rule-editor" onSubmit={save} noValidate aria-labelledby={`${uid}-h`}>
      <p>
        <a href={`${BASE}/admin/slas`} onClick={onLinkClick}>
          ← {t('rules.slas')}
        </a>
      </p>
      <h1 id={`${uid}-h`}>{t(props.id ? 'rules.edit' : 'rules.create', { kind: t('rules.slas') })}</h1>
      <label htmlFor={`${uid}-title`}>{t('rules.field.title')}</label>
      <input id={`${uid}-title`} type="text" value={title} onChange={(e) => setTitle(e.target.value)} aria-describedby={errors.title ? `${uid}-title-err` : undefined} aria-invalid={errors.title ? true : undefined} />
      <FieldError id={`${uid}-title-err`} message={errors.title} />
      <label htmlFor={`${uid}-desc`}>{t('rules.field.description')}</label>
      <input id={`${uid}-desc`} type="text" value={description} onChange={(e) => setDescription(e.target.value)} />
      <ConditionList which="all" legend={t('rules.builder.all')} defs={defs.all} rows={all} errors={errors} onChange={setAll} />
      <ConditionList which="any" legend={t('rules.builder.any')} defs={defs.any} rows={any} errors={errors} onChange={setAny} />
      {errors.filter && !Object.keys(errors).some((x) => /^(all|any)\./.test(x)) && (
        <p className="field-error" role="alert">{errors.filter}</p>
      )}
      <fieldset className="builder">
        <legend>{t('rules.sla.targets')}</legend>
        <p className="hint">{t('rules.sla.gridHint')}</p>
        <div className="sla-grid-wrap">
          <table className="sla-grid">
            <thead>
              <tr>
                <th scope="col">{t('rules.sla.metric')}</th>
                {PRIORITIES.map((p) => (
                  <th scope="col" key={p}>
                    {t(`rules.priority.${p}` as MessageKey)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {METRICS.map((m) => (
                <tr key={m}>
                  <th scope="row">{t(`rules.metric.${m}` as MessageKey)}</th>
                  {PRIORITIES.map((p) => {
                    const c = cell(p, m);
                    const err = cellErrors[cellKey(p, m)];
                    const what = `${t(`rules.metric.${m}` as MessageKey)}, ${t(`rules.priority.${p}` as MessageKey)}`;
                    const errId = `${uid}-${p}-${m}-err`;
                    return (
                      <td key={p} className={err ? 'invalid' : undefined} data-cell={cellKey(p, m)}>
                        <input
                          type="number"
                          min={1}
                          inputMode="numeric"
                          aria-label={t('rules.sla.target', { what })}
                          aria-describedby={err ? errId : undefined}
                          aria-invalid={err ? true : undefined}
                          value={c.value}
                          onChange={(e) => setCell(p, m, { ...c, value: e.target.value })}
                        />
                        <select aria-label={t('rules.sla.unit', { what })} value={c.unit} onChange={(e) => setCell(p, m, { ...c, unit: e.target.value as Cell['unit'] })}>
                          <option value="minutes">{t('rules.sla.minutes')}</option>
                          <option value="hours">{t('rules.sla.hours')}</option>
                        </select>
                        <select aria-label={t('rules.sla.clock', { what })} value={c.business ? 'business' : 'calendar'} onChange={(e) => setCell(p, m, { ...c, business: e.target.value === 'business' })}>
                          <option value="business">{t('rules.sla.business')}</option>
                          <option value="calendar">{t('rules.sla.calendar')}</option>
                        </select>
                        <FieldError id={errId} message={err} />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <FieldError id={`${uid}-pm-err`} message={errors.policy_metrics} />
      </fieldset>
      <SaveBar general={general} saving={saving} saved={saved} />
    </form>
  );
}
