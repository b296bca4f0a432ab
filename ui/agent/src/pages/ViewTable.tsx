import { useEffect, useRef, useState } from 'react';
import { get, type Execution, type Row } from '../api';
import { formatDate, useI18n, type MessageKey } from '../i18n';
import { BASE, navigate, onLinkClick } from '../router';

const PER_PAGE = 30;
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
// pages of 30, arrow keys between rows, Enter to open.
export function ViewTable(props: { viewId: number; title: string; page: number; refresh: number }) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<Execution | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ by: string; order: 'asc' | 'desc' } | null>(null);
  const body = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    let stale = false;
    const q = new URLSearchParams({ page: String(props.page), per_page: String(PER_PAGE) });
    if (sort) {
      q.set('sort_by', sort.by);
      q.set('sort_order', sort.order);
    }
    get<Execution>(`/api/v2/views/${props.viewId}/execute?${q}`)
      .then((r) => {
        if (stale) return;
        setData(r);
        setError(null);
      })
      .catch((e: Error) => !stale && setError(e.message));
    return () => {
      stale = true;
    };
  }, [props.viewId, props.page, sort, props.refresh]);

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
  const pages = Math.max(1, Math.ceil((data.count ?? 0) / PER_PAGE));

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

  const links = () => Array.from(body.current?.querySelectorAll<HTMLAnchorElement>('a.ticket-link') ?? []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const all = links();
    const i = all.indexOf(document.activeElement as HTMLAnchorElement);
    const next = e.key === 'ArrowDown' ? Math.min(all.length - 1, i + 1) : Math.max(0, i - 1);
    all[next]?.focus();
    e.preventDefault();
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
        {t('table.hint')}
      </p>
      {data.rows.length === 0 ? (
        <p>{t('table.empty')}</p>
      ) : (
        <table className="tickets" aria-describedby="table-hint">
          <caption className="visually-hidden">
            {t('table.caption', { title: props.title, count: data.count })}
          </caption>
          <thead>
            <tr>
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
          <tbody ref={body} onKeyDown={onKeyDown}>
            {data.rows.map((row) => (
              <tr key={row.ticket.id}>
                <td>
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
            onClick={() => navigate(`/views/${props.viewId}?page=${props.page - 1}`)}
          >
            {t('table.prev')}
          </button>
          <span>{t('table.page', { page: props.page, pages })}</span>
          <button
            type="button"
            disabled={props.page >= pages}
            onClick={() => navigate(`/views/${props.viewId}?page=${props.page + 1}`)}
          >
            {t('table.next')}
          </button>
        </nav>
      )}
    </section>
  );
}
