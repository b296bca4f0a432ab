// Triggers, automations, views and macros: one list screen (active and inactive, in
// position order, moved up/down by buttons → the API's reorder) and one editor (title,
// conditions and actions from the kind's /definitions, view columns and sort) for the four
// kinds. Addresses: /admin/<kind>s, /admin/<kind>s/new, /admin/<kind>s/new?clone=<id>,
// /admin/<kind>s/<id>.
import { useCallback, useEffect, useId, useState } from 'react';
import { api, ApiError, get, post, put } from '../../../api';
import { useI18n, type MessageKey } from '../../../i18n';
import { BASE, navigate, onLinkClick } from '../../../router';
import { FieldError } from '../../../components/FieldError';
import type { SectionProps } from '../sections';
import {
  ActionList,
  ConditionList,
  actionsFromApi,
  actionsToApi,
  conditionsFromApi,
  conditionsToApi,
  rowErrors,
  str,
  type ActionRow,
  type ConditionRow,
  type Definitions,
} from './builder';
import { ListFrame, SaveBar } from './frame';
import './rules.css';

export type RuleKind = 'trigger' | 'automation' | 'view' | 'macro';

interface KindInfo {
  section: string; // the admin section id
  plural: string; // API collection and envelope
  title: MessageKey;
  newLabel: MessageKey;
  conditions: boolean;
  actions: boolean;
}

const kinds: Record<RuleKind, KindInfo> = {
  trigger: { section: 'triggers', plural: 'triggers', title: 'rules.triggers', newLabel: 'rules.new.trigger', conditions: true, actions: true },
  automation: { section: 'automations', plural: 'automations', title: 'rules.automations', newLabel: 'rules.new.automation', conditions: true, actions: true },
  view: { section: 'views', plural: 'views', title: 'rules.views', newLabel: 'rules.new.view', conditions: true, actions: false },
  macro: { section: 'macros', plural: 'macros', title: 'rules.macros', newLabel: 'rules.new.macro', conditions: false, actions: true },
};

interface Rule {
  id: number;
  title: string;
  description?: string | null;
  active: boolean;
  position: number;
  category_id?: string | null;
  conditions?: { all?: unknown; any?: unknown };
  actions?: unknown;
  execution?: { columns?: { id: string | number }[]; sort_by?: string; sort_order?: string };
}

interface Category {
  id: string;
  name: string;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export default function RulesSection(props: SectionProps & { kind: RuleKind }) {
  const path = props.path.split('/')[0];
  if (path === '') return <RuleList kind={props.kind} />;
  const clone = props.loc.query.get('clone');
  return <RuleEditor key={`${path}-${clone}`} kind={props.kind} id={path === 'new' ? null : Number(path)} cloneOf={path === 'new' && clone ? Number(clone) : null} />;
}

async function listAll(kind: RuleKind): Promise<Rule[]> {
  const k = kinds[kind];
  const out: Rule[] = [];
  let url: string | null = `/api/v2/${k.plural}.json?per_page=100`;
  while (url && out.length < 2000) {
    const page: Record<string, unknown> & { next_page?: string | null } = await get(url);
    out.push(...((page[k.plural] as Rule[]) ?? []));
    url = page.next_page ? new URL(page.next_page, location.origin).pathname + new URL(page.next_page, location.origin).search : null;
  }
  return out.sort((a, b) => a.position - b.position || a.id - b.id);
}

function RuleList(props: { kind: RuleKind }) {
  const { t } = useI18n();
  const k = kinds[props.kind];
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: number; text: string } | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setRules(await listAll(props.kind));
      if (props.kind === 'trigger') {
        const c = await get<{ trigger_categories: Category[] }>('/api/v2/trigger_categories.json');
        setCategories(c.trigger_categories ?? []);
      }
    } catch (e) {
      setError(errorText(e));
    }
  }, [props.kind]);
  useEffect(() => {
    void load();
  }, [load]);

  const move = async (index: number, delta: number) => {
    if (!rules) return;
    const j = index + delta;
    if (j < 0 || j >= rules.length) return;
    const next = [...rules];
    [next[index], next[j]] = [next[j], next[index]];
    setBusy(true);
    setRowError(null);
    try {
      const ids = next.map((r) => r.id);
      if (props.kind === 'macro') {
        await put('/api/v2/macros/update_many.json', { macros: ids.map((id, i) => ({ id, position: i })) });
      } else {
        await put(`/api/v2/${k.plural}/reorder.json`, { [`${props.kind}_ids`]: ids });
      }
      setRules(await listAll(props.kind));
      setStatus(t('rules.moved', { title: next[j].title, n: j + 1 }));
      // Keep the focus on the moved row's button that still makes sense.
      requestAnimationFrame(() => {
        const row = document.querySelector<HTMLElement>(`[data-rule-id="${next[j].id}"]`);
        const btn = row?.querySelector<HTMLButtonElement>(delta < 0 ? 'button.up:not(:disabled)' : 'button.down:not(:disabled)') ?? row?.querySelector<HTMLButtonElement>('button.up, button.down');
        btn?.focus();
      });
    } catch (e) {
      setRowError({ id: next[j].id, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  const setActive = async (r: Rule, active: boolean) => {
    setRowError(null);
    try {
      await put(`/api/v2/${k.plural}/${r.id}.json`, { [props.kind]: { active } });
      setRules(await listAll(props.kind));
      setStatus(t(active ? 'rules.activated' : 'rules.deactivated', { title: r.title }));
    } catch (e) {
      setRowError({ id: r.id, text: errorText(e) });
    }
  };

  const remove = async (r: Rule) => {
    if (!window.confirm(t('rules.confirmDelete', { title: r.title }))) return;
    setRowError(null);
    try {
      await api('DELETE', `/api/v2/${k.plural}/${r.id}.json`);
      setRules(await listAll(props.kind));
      setStatus(t('rules.deleted', { title: r.title }));
    } catch (e) {
      setRowError({ id: r.id, text: errorText(e) });
    }
  };

  const catName = (id: string | null | undefined) => categories.find((c) => c.id === id)?.name ?? '';
  return (
    <ListFrame
      headingId="rules-heading"
      title={t(k.title)}
      newHref={`${BASE}/admin/${k.section}/new`}
      newLabel={t(k.newLabel)}
      error={error}
      status={status}
      count={rules === null ? null : rules.length}
    >
      <table className="rules-table">
        <thead>
          <tr>
            <th scope="col">{t('rules.col.position')}</th>
            <th scope="col">{t('rules.col.title')}</th>
            {props.kind === 'trigger' && <th scope="col">{t('rules.col.category')}</th>}
            <th scope="col">{t('rules.col.status')}</th>
            <th scope="col">{t('rules.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(rules ?? []).map((r, i, all) => (
            <tr key={r.id} data-rule-id={r.id} className={r.active ? '' : 'inactive'}>
              <td>{i + 1}</td>
              <td>
                <a href={`${BASE}/admin/${k.section}/${r.id}`} onClick={onLinkClick}>
                  {r.title}
                </a>
                {rowError?.id === r.id && (
                  <span className="field-error" role="alert">
                    {rowError.text}
                  </span>
                )}
              </td>
              {props.kind === 'trigger' && <td>{catName(r.category_id)}</td>}
              <td>
                <span className={r.active ? 'badge active' : 'badge inactive'}>{r.active ? t('rules.active') : t('rules.inactive')}</span>
              </td>
              <td className="rule-actions">
                <button type="button" className="up" disabled={busy || i === 0} onClick={() => void move(i, -1)}>
                  <span aria-hidden="true">↑</span>
                  <span className="visually-hidden">{t('rules.moveUp', { title: r.title })}</span>
                </button>
                <button type="button" className="down" disabled={busy || i === all.length - 1} onClick={() => void move(i, 1)}>
                  <span aria-hidden="true">↓</span>
                  <span className="visually-hidden">{t('rules.moveDown', { title: r.title })}</span>
                </button>
                <a className="button" href={`${BASE}/admin/${k.section}/new?clone=${r.id}`} onClick={onLinkClick}>
                  {t('rules.clone')}
                  <span className="visually-hidden"> {r.title}</span>
                </a>
                <button type="button" onClick={() => void setActive(r, !r.active)}>
                  {r.active ? t('rules.deactivate') : t('rules.activate')}
                  <span className="visually-hidden"> {r.title}</span>
                </button>
                <button type="button" onClick={() => void remove(r)}>
                  {t('rules.delete')}
                  <span className="visually-hidden"> {r.title}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ListFrame>
  );
}

interface ColumnChoice {
  id: string;
  title: string;
  sortable: boolean;
}

function RuleEditor(props: { kind: RuleKind; id: number | null; cloneOf: number | null }) {
  const { t } = useI18n();
  const uid = useId();
  const k = kinds[props.kind];
  const [defs, setDefs] = useState<Definitions | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [active, setActive] = useState(true);
  const [categoryId, setCategoryId] = useState('');
  const [all, setAll] = useState<ConditionRow[]>([]);
  const [any, setAny] = useState<ConditionRow[]>([]);
  const [actions, setActions] = useState<ActionRow[]>([]);
  const [columns, setColumns] = useState<string[]>(['status', 'description', 'requester', 'created']);
  const [sortBy, setSortBy] = useState('created');
  const [sortOrder, setSortOrder] = useState('desc');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState('');
  const [addColumn, setAddColumn] = useState('');

  useEffect(() => {
    let gone = false;
    (async () => {
      try {
        const d = await get<{ definitions: Definitions }>(`/api/v2/${k.plural}/definitions.json`);
        if (gone) return;
        setDefs(d.definitions);
        if (props.kind === 'trigger') {
          const c = await get<{ trigger_categories: Category[] }>('/api/v2/trigger_categories.json');
          if (!gone) setCategories(c.trigger_categories ?? []);
        }
        const from = props.id ?? props.cloneOf;
        if (from) {
          const body = await get<Record<string, Rule>>(`/api/v2/${k.plural}/${from}.json`);
          const r = body[props.kind];
          if (gone || !r) return;
          setTitle(props.cloneOf ? t('rules.copyOf', { title: r.title }) : r.title);
          setDescription(r.description ?? '');
          setActive(r.active);
          setCategoryId(r.category_id ?? '');
          setAll(conditionsFromApi(r.conditions?.all));
          setAny(conditionsFromApi(r.conditions?.any));
          setActions(actionsFromApi(r.actions));
          if (r.execution) {
            setColumns((r.execution.columns ?? []).map((c) => str(c.id)));
            setSortBy(r.execution.sort_by ?? 'created');
            setSortOrder(r.execution.sort_order ?? 'desc');
          }
        } else if (props.kind === 'view' || props.kind === 'automation') {
          // Views and automations must test the status: start from "status is open".
          setAll([{ field: 'status', operator: 'less_than', value: 'solved' }]);
        }
      } catch (e) {
        if (!gone) setLoadError(e instanceof ApiError && e.status === 404 ? t('error.notFound') : errorText(e));
      }
    })();
    return () => {
      gone = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t changes with the language only
  }, [props.kind, props.id, props.cloneOf, k.plural]);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!defs) return;
    setSaving(true);
    setErrors({});
    setGeneral(null);
    setSaved('');
    const allApi = conditionsToApi(all, defs.conditions_all);
    const anyApi = conditionsToApi(any, defs.conditions_any);
    let body: Record<string, unknown>;
    if (props.kind === 'view') {
      body = { title, description, active, all: allApi, any: anyApi, output: { columns, sort_by: sortBy, sort_order: sortOrder } };
    } else {
      body = { title, description, active };
      if (k.conditions) body.conditions = { all: allApi, any: anyApi };
      if (k.actions) body.actions = actionsToApi(actions);
      if (props.kind === 'trigger') body.category_id = categoryId === '' ? null : categoryId;
    }
    try {
      if (props.id) {
        await put(`/api/v2/${k.plural}/${props.id}.json`, { [props.kind]: body });
        setSaved(t('rules.saved'));
      } else {
        const r = await post<Record<string, Rule>>(`/api/v2/${k.plural}.json`, { [props.kind]: body });
        navigate(`/admin/${k.section}/${r[props.kind].id}`, true);
      }
    } catch (err) {
      const { rows, general: g } = rowErrors(err);
      setErrors(rows);
      const unplaced = Object.entries(rows)
        .filter(([key]) => !/^(all|any|actions)\.\d+$/.test(key) && !['title', 'output', 'category_id'].includes(key))
        .map(([, v]) => v);
      setGeneral(g ?? (unplaced.length ? unplaced.join(' ') : null));
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <p role="alert" className="error">{loadError}</p>;
  if (!defs) return <p role="status">{t('app.loading')}</p>;
  const headingKey: MessageKey = props.id ? 'rules.edit' : 'rules.create';
  const colChoices: ColumnChoice[] = defs.columns ?? [];
  const colTitle = (id: string) => colChoices.find((c) => c.id === id)?.title ?? id;
  return (
    <form className="rule-editor" onSubmit={save} noValidate aria-labelledby={`${uid}-h`}>
      <p>
        <a href={`${BASE}/admin/${k.section}`} onClick={onLinkClick}>
          ← {t(k.title)}
        </a>
      </p>
      <h1 id={`${uid}-h`}>{t(headingKey, { kind: t(k.title) })}</h1>
      <label htmlFor={`${uid}-title`}>{t('rules.field.title')}</label>
      <input id={`${uid}-title`} type="text" value={title} onChange={(e) => setTitle(e.target.value)} aria-describedby={errors.title ? `${uid}-title-err` : undefined} aria-invalid={errors.title ? true : undefined} />
      <FieldError id={`${uid}-title-err`} message={errors.title} />
      <label htmlFor={`${uid}-desc`}>{t('rules.field.description')}</label>
      <input id={`${uid}-desc`} type="text" value={description} onChange={(e) => setDescription(e.target.value)} />
      {props.kind === 'trigger' && (
        <>
          <label htmlFor={`${uid}-cat`}>{t('rules.field.category')}</label>
          <select id={`${uid}-cat`} value={categoryId} onChange={(e) => setCategoryId(e.target.value)} aria-describedby={errors.category_id ? `${uid}-cat-err` : undefined}>
            <option value="">{t('rules.noCategory')}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <FieldError id={`${uid}-cat-err`} message={errors.category_id} />
        </>
      )}
      <div className="check">
        <input id={`${uid}-active`} type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        <label htmlFor={`${uid}-active`}>{t('rules.field.active')}</label>
      </div>
      {k.conditions && (
        <>
          <ConditionList which="all" legend={t('rules.builder.all')} defs={defs.conditions_all} rows={all} errors={errors} onChange={setAll} />
          <ConditionList which="any" legend={t('rules.builder.any')} defs={defs.conditions_any} rows={any} errors={errors} onChange={setAny} />
          {errors.conditions && !Object.keys(errors).some((x) => /^(all|any)\./.test(x)) && (
            <p className="field-error" role="alert">{errors.conditions}</p>
          )}
        </>
      )}
      {k.actions && (
        <>
          <ActionList legend={t('rules.builder.actions')} defs={defs.actions} rows={actions} errors={errors} onChange={setActions} />
          {errors.actions && !Object.keys(errors).some((x) => /^actions\./.test(x)) && (
            <p className="field-error" role="alert">{errors.actions}</p>
          )}
        </>
      )}
      {props.kind === 'view' && (
        <fieldset className="builder" aria-describedby={errors.output ? `${uid}-out-err` : undefined}>
          <legend>{t('rules.view.columns')}</legend>
          <ol className="columns-list">
            {columns.map((c, i) => (
              <li key={c}>
                <span>{colTitle(c)}</span>
                <button type="button" className="up" disabled={i === 0} onClick={() => setColumns(columns.map((x, j) => (j === i - 1 ? c : j === i ? columns[i - 1] : x)))}>
                  <span aria-hidden="true">↑</span>
                  <span className="visually-hidden">{t('rules.moveUp', { title: colTitle(c) })}</span>
                </button>
                <button type="button" className="down" disabled={i === columns.length - 1} onClick={() => setColumns(columns.map((x, j) => (j === i + 1 ? c : j === i ? columns[i + 1] : x)))}>
                  <span aria-hidden="true">↓</span>
                  <span className="visually-hidden">{t('rules.moveDown', { title: colTitle(c) })}</span>
                </button>
                <button type="button" onClick={() => setColumns(columns.filter((x) => x !== c))}>
                  {t('rules.builder.remove')}
                  <span className="visually-hidden"> {colTitle(c)}</span>
                </button>
              </li>
            ))}
          </ol>
          <div className="inline">
            <label htmlFor={`${uid}-addcol`}>{t('rules.view.addColumn')}</label>
            <select id={`${uid}-addcol`} value={addColumn} onChange={(e) => setAddColumn(e.target.value)}>
              <option value="">—</option>
              {colChoices
                .filter((c) => !columns.includes(c.id))
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
            </select>
            <button
              type="button"
              disabled={addColumn === '' || columns.length >= 10}
              onClick={() => {
                setColumns([...columns, addColumn]);
                setAddColumn('');
              }}
            >
              {t('rules.view.add')}
            </button>
          </div>
          <div className="inline">
            <label htmlFor={`${uid}-sort`}>{t('rules.view.sortBy')}</label>
            <select id={`${uid}-sort`} value={sortBy} onChange={(e) => setSortBy(e.target.value)}>
              {!colChoices.some((c) => c.id === sortBy) && <option value={sortBy}>{sortBy}</option>}
              {colChoices
                .filter((c) => c.sortable)
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
            </select>
            <label htmlFor={`${uid}-order`}>{t('rules.view.order')}</label>
            <select id={`${uid}-order`} value={sortOrder} onChange={(e) => setSortOrder(e.target.value)}>
              <option value="asc">{t('rules.view.asc')}</option>
              <option value="desc">{t('rules.view.desc')}</option>
            </select>
          </div>
          <FieldError id={`${uid}-out-err`} message={errors.output} />
        </fieldset>
      )}
      <SaveBar general={general} saving={saving} saved={saved} />
    </form>
  );
}
