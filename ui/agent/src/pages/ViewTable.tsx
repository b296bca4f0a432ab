import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { get, type Execution, type Row } from '../api';
import { formatDate, useI18n, type MessageKey } from '../i18n';
import { BulkBar } from '../queue/BulkBar';
import { shortcutApplies } from '../queue/keys';
import { BASE, navigate, onLinkClick } from '../router';

const PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const TIME_COLUMNS = new Set([
  'created', 'updated', 'solved', 'assigned', 'due_date', 'updated_requester', 'updated_assignee',
]);
// Column id → the key of the row that holds its value.
const ROW_KEY: Record<string, string> = {
  description: 'subject',
  requester: 'requester_id',
  submitter: 'submitter_id',
  assignee: 'assignee_id',
  group: 'group_id',
  organization: 'organization_id',
  ticket_form: 'ticket_form_id',
  brand: 'brand_id',
};

// One view's tickets (GET /api/v2/views/{id}/execute): the view's columns and order,
// pages of 30 (?per_page= up to 100), j/k or arrow keys between rows, Enter to open;
// a checkbox per row (x toggles the focused one) and the bulk edit bar for the selection.
// Performance marks for bench/ui: comptoir:view-fetch (request sent), comptoir:view-data
// (rows received), comptoir:view-rendered (rows in the DOM), measures comptoir:view-render
// and comptoir:view-load.
export function ViewTable(props: { viewId: number; title: string; page: number; refresh: number; perPage?: number }) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<Execution | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ by: string; order: 'asc' | 'desc' } | null>(null);
  const [selected, setSelected] = useState<Set<number>>(() => new Set());
  const [ownRefresh, setOwnRefresh] = useState(0); // bumped after a bulk update
  const body = useRef<HTMLTableSectionElement>(null);
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, props.perPage ?? PER_PAGE));
  const pageQuery = perPage === PER_PAGE ? '' : `&per_page=${perPage}`;

  useEffect(() => setSelected(new Set()), [props.page, perPage, sort]);

  useEffect(() => {
    let stale = false;
    const q = new URLSearchParams({ page: String(props.page), per_page: String(perPage) });
    if (sort) {
      q.set('sort_by', sort.by);
      q.set('sort_order', sort.order);
    }
    performance.mark('comptoir:view-fetch');
    get<Execution>(`/api/v2/views/${props.viewId}/execute?${q}`)
      .then((r) => {
        if (stale) return;
        performance.mark('comptoir:view-data');
        setData(r);
        setError(null);
      })
      .catch((e: Error) => !stale && setError(e.message));
    return () => {
      stale = true;
    };
  }, [props.viewId, props.page, perPage, sort, props.refresh, ownRefresh]);

  useLayoutEffect(() => {
    if (!data) return;
    performance.mark('comptoir:view-rendered');
    try {
      performance.measure('comptoir:view-render', 'comptoir:view-data', 'comptoir:view-rendered');
      performance.measure('comptoir:view-load', 'comptoir:view-fetch', 'comptoir:view-rendered');
    } catch {
      /* a mark was cleared */
    }
  }, [data]);

  // Keys of the table (shortcut sheet): j/k move, x selects, Shift+X selects the page,
  // b goes to the bulk bar, [ and ] change page, Esc clears the selection.
  const keyState = useRef({ data, selected, page: props.page });
  keyState.current = { data, selected, page: props.page };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!shortcutApplies(e)) return;
      const { data: d, selected: sel, page } = keyState.current;
      if (!d || d.rows.length === 0) return;
      const rows = Array.from(body.current?.querySelectorAll<HTMLTableRowElement>('tr') ?? []);
      const current = rows.findIndex((r) => r.contains(document.activeElement));
      const focusRow = (i: number) => rows[i]?.querySelector<HTMLAnchorElement>('a.ticket-link')?.focus();
      const inTable = current >= 0;
      if (e.key === 'j' || (e.key === 'ArrowDown' && inTable)) {
        focusRow(inTable ? Math.min(rows.length - 1, current + 1) : 0);
      } else if (e.key === 'k' || (e.key === 'ArrowUp' && inTable)) {
        focusRow(inTable ? Math.max(0, current - 1) : 0);
      } else if (e.key === 'x' && inTable) {
        toggle(Number(rows[current].dataset.ticket));
      } else if (e.key === 'X') {
        toggleAll(d.rows.map((r) => r.ticket.id), sel);
      } else if (e.key === 'b' && sel.size > 0) {
        document.getElementById('bulk-status')?.focus();
      } else if (e.key === 'Escape' && sel.size > 0) {
        setSelected(new Set());
      } else if (e.key === '[' && page > 1) {
        navigate(`/views/${props.viewId}?page=${page - 1}${pageQuery}`);
      } else if (e.key === ']' && page < Math.ceil((d.count ?? 0) / perPage)) {
        navigate(`/views/${props.viewId}?page=${page + 1}${pageQuery}`);
      } else {
        return;
      }
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [props.viewId, perPage, pageQuery]);

  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const toggleAll = (ids: number[], sel: Set<number>) =>
    setSelected(ids.every((id) => sel.has(id)) ? new Set() : new Set(ids));

  useEffect(() => {
    document.title = `${props.title} · ${t('app.name')}`;
  }, [props.title, t]);

  if (error) {
    return (
      <p className="error" role="alert">
        {t('error.generic', { message: error })}
      </p>
    );
  }
  if (!data) {
    return (
      <p className="loading" role="status">
        {t('app.loading')}
      </p>
    );
  }

  const users = new Map(data.users.map((u) => [u.id, u.name]));
  const groups = new Map(data.groups.map((g) => [g.id, g.name]));
  const orgs = new Map(data.organizations.map((o) => [o.id, o.name]));
  const sortBy = sort?.by ?? data.view.execution?.sort_by;
  const sortOrder = sort?.order ?? data.view.execution?.sort_order ?? 'desc';
  const pages = Math.max(1, Math.ceil((data.count ?? 0) / perPage));
  const pageIds = data.rows.map((r) => r.ticket.id);
  const chosen = pageIds.filter((id) => selected.has(id));
  const allChosen = pageIds.length > 0 && chosen.length === pageIds.length;

  const cell = (row: Row, col: string | number): string => {
    const id = String(col);
    if (typeof col === 'number') {
      const f = (row.custom_fields as { id: number; value: unknown }[] | undefined)?.find((x) => x.id === col);
      return f?.value == null ? '' : String(f.value);
    }
    const v = row[ROW_KEY[id] ?? id] ?? (id === 'subject' ? row.ticket.subject : undefined);
    if (v === null || v === undefined || v === '') return '';
    if (id === 'status' || id === 'priority' || id === 'type') return t(`${id}.${v}` as MessageKey);
    if (id === 'requester' || id === 'submitter' || id === 'assignee') return users.get(v as number) ?? `#${v}`;
    if (id === 'group') return groups.get(v as number) ?? `#${v}`;
    if (id === 'organization') return orgs.get(v as number) ?? `#${v}`;
    if (TIME_COLUMNS.has(id)) return formatDate(lang, String(v));
    return String(v);
  };

  // Column titles of the view: ours for the standard columns, the server's for the others.
  const title = (c: { id: string | number; title: string }) => {
    const key = `column.${String(c.id)}` as MessageKey;
    const text = t(key);
    return text === key ? c.title : text;
  };

  const toggleSort = (col: string | number) => {
    const id = String(col);
    setSort({ by: id, order: sortBy === id && sortOrder === 'asc' ? 'desc' : 'asc' });
  };

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">{props.title}</h1>
      <p className="hint" id="table-hint">
        {t('table.hint')} {t('queue.hint')}
      </p>
      {data.rows.length > 0 && (
        <div className="select-bar">
          <label className="select-all">
            <input
              type="checkbox"
              checked={allChosen}
              ref={(el) => {
                if (el) el.indeterminate = chosen.length > 0 && !allChosen;
              }}
              onChange={() => toggleAll(pageIds, selected)}
            />
            {t('queue.selectPage')}
          </label>
          {chosen.length > 0 && (
            <>
              <span role="status" className="selected-count">
                {t('queue.selected', { count: chosen.length })}
              </span>
              <button type="button" onClick={() => setSelected(new Set())}>
                {t('queue.clear')}
              </button>
            </>
          )}
        </div>
      )}
      <BulkBar
        ids={chosen}
        onDone={(failed) => {
          setSelected(new Set(failed));
          setOwnRefresh((n) => n + 1);
        }}
      />
      {data.rows.length === 0 ? (
        <p>{t('table.empty')}</p>
      ) : (
        <table className="tickets" aria-describedby="table-hint">
          <caption className="visually-hidden">
            {t('table.caption', { title: props.title, count: data.count })}
          </caption>
          <thead>
            <tr>
              <th scope="col" className="col-select">
                <span className="visually-hidden">{t('queue.selectPage')}</span>
              </th>
              <th scope="col">#</th>
              {data.columns.map((c) => {
                const active = sortBy === String(c.id);
                return (
                  <th
                    scope="col"
                    key={String(c.id)}
                    aria-sort={active ? (sortOrder === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    <button type="button" className="sort" onClick={() => toggleSort(c.id)}>
                      {title(c)}
                      {active && (
                        <span aria-hidden="true">{sortOrder === 'asc' ? ' ▲' : ' ▼'}</span>
                      )}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody ref={body}>
            {data.rows.map((row) => (
              <tr
                key={row.ticket.id}
                data-ticket={row.ticket.id}
                className={selected.has(row.ticket.id) ? 'selected' : undefined}
              >
                <td className="col-select">
                  <input
                    type="checkbox"
                    checked={selected.has(row.ticket.id)}
                    onChange={() => toggle(row.ticket.id)}
                    aria-label={t('queue.select', { id: row.ticket.id })}
                  />
                </td>
                <td className="col-id">
                  <a
                    className="ticket-link"
                    href={`${BASE}/tickets/${row.ticket.id}`}
                    onClick={onLinkClick}
                    aria-label={`#${row.ticket.id} ${row.ticket.subject}`}
                  >
                    #{row.ticket.id}
                  </a>
                </td>
                {data.columns.map((c) => (
                  <td key={String(c.id)} data-label={title(c)} className={`col-${String(c.id)}`}>
                    {cell(row, c.id)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label={t('table.pagination')}>
          <button
            type="button"
            disabled={props.page <= 1}
            onClick={() => navigate(`/views/${props.viewId}?page=${props.page - 1}${pageQuery}`)}
          >
            {t('table.prev')}
          </button>
          <span>{t('table.page', { page: props.page, pages })}</span>
          <button
            type="button"
            disabled={props.page >= pages}
            onClick={() => navigate(`/views/${props.viewId}?page=${props.page + 1}${pageQuery}`)}
          >
            {t('table.next')}
          </button>
        </nav>
      )}
    </section>
  );
}
