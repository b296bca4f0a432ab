import { useEffect, useState } from 'react';
import { ApiError, get } from '../api';
import { formatDate, useI18n, type MessageKey } from '../i18n';
import { BASE, navigate, onLinkClick } from '../router';
import type { PageProps } from '../pages/routes';
import { setQueryError } from './SearchBox';
import { focusSearch } from './Shortcuts';
import './queue.css';

const PER_PAGE = 25;
const CAP = 1000; // the server returns at most 1,000 results per query

interface Result {
  id: number;
  result_type: 'ticket' | 'user' | 'organization' | 'group';
  subject?: string;
  status?: string;
  updated_at?: string;
  name?: string;
  email?: string | null;
  role?: string;
  domain_names?: string[];
}

interface Found {
  results: Result[];
  count: number;
}

const GROUPS: { type: Result['result_type']; heading: MessageKey }[] = [
  { type: 'ticket', heading: 'search.tickets' },
  { type: 'user', heading: 'search.users' },
  { type: 'organization', heading: 'search.organizations' },
  { type: 'group', heading: 'search.groups' },
];

// /search?q=…&page=N: GET /api/v2/search, one page of results grouped by type.
export default function SearchPage(props: PageProps) {
  const { t, lang } = useI18n();
  const q = (props.loc.query.get('q') ?? '').trim();
  const page = Math.max(1, Number(props.loc.query.get('page') ?? '1') || 1);
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [bad, setBad] = useState(false);

  useEffect(() => {
    document.title = `${q ? t('search.title', { query: q }) : t('search.titleEmpty')} · ${t('app.name')}`;
  }, [q, t]);

  useEffect(() => {
    let stale = false;
    setFound(null);
    setError(null);
    setBad(false);
    if (!q) return;
    const params = new URLSearchParams({ query: q, page: String(page), per_page: String(PER_PAGE) });
    get<Found>(`/api/v2/search?${params}`)
      .then((r) => {
        if (stale) return;
        setFound(r);
        setQueryError(null);
      })
      .catch((e: Error) => {
        if (stale) return;
        const body = e instanceof ApiError ? (e.body as { position?: number; description?: string } | null) : null;
        if (e instanceof ApiError && e.status === 400 && typeof body?.position === 'number') {
          const message = (body.description ?? '').replace(/ at position \d+$/, '');
          setQueryError({ query: q, position: body.position, message });
          setBad(true);
        } else {
          setError(e.message);
        }
      });
    return () => {
      stale = true;
    };
  }, [q, page, props.refresh]);

  const go = (p: number) => navigate(`/search?q=${encodeURIComponent(q)}&page=${p}`);
  const total = found ? Math.min(found.count, CAP) : 0;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));

  return (
    <section className="search-page" aria-labelledby="search-title">
      <h1 id="search-title">{q ? t('search.title', { query: q }) : t('search.titleEmpty')}</h1>
      <p className="hint">{t('search.help')}</p>
      {!q && <p>{t('search.empty')}</p>}
      {bad && (
        <p className="error">
          <button type="button" className="text-button" onClick={focusSearch}>
            {t('search.badQueryLink')}
          </button>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {t('error.generic', { message: error })}
        </p>
      )}
      {q && !found && !error && !bad && (
        <p className="loading" role="status">
          {t('app.loading')}
        </p>
      )}
      {found && (
        <>
          <p role="status">
            {found.count === 1 ? t('search.countOne') : t('search.count', { count: found.count })}
          </p>
          {found.results.length === 0 && <p>{t('search.none')}</p>}
          {GROUPS.map((g) => {
            const items = found.results.filter((r) => r.result_type === g.type);
            if (items.length === 0) return null;
            return (
              <section key={g.type} className="search-group" aria-labelledby={`search-${g.type}`}>
                <h2 id={`search-${g.type}`}>
                  {t(g.heading)} <span className="badge">{items.length}</span>
                </h2>
                <ul className="search-results">
                  {items.map((r) => (
                    <li key={`${g.type}-${r.id}`} data-result-type={g.type}>
                      {g.type === 'ticket' ? (
                        <>
                          <a href={`${BASE}/tickets/${r.id}`} onClick={onLinkClick}>
                            #{r.id} {r.subject}
                          </a>
                          <span className="meta">
                            {t('search.ticketMeta', {
                              status: r.status ? t(`status.${r.status}` as MessageKey) : '',
                              when: r.updated_at ? formatDate(lang, r.updated_at) : '',
                            })}
                          </span>
                        </>
                      ) : g.type === 'user' ? (
                        <>
                          <a href={`${BASE}/users/${r.id}`} onClick={onLinkClick}>
                            <strong>{r.name}</strong>
                          </a>
                          <span className="meta">
                            {[r.email, r.role ? t(`search.userRole.${r.role}` as MessageKey) : null]
                              .filter(Boolean)
                              .join(' · ')}
                          </span>
                        </>
                      ) : (
                        <>
                          <a
                            href={`${BASE}/${g.type === 'group' ? 'groups' : 'organizations'}/${r.id}`}
                            onClick={onLinkClick}
                          >
                            <strong>{r.name}</strong>
                          </a>
                          {r.domain_names && r.domain_names.length > 0 && (
                            <span className="meta">{r.domain_names.join(', ')}</span>
                          )}
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
          {found.count > CAP && <p className="hint">{t('search.capped')}</p>}
          {pages > 1 && (
            <nav className="pager" aria-label={t('search.pagination')}>
              <button type="button" disabled={page <= 1} onClick={() => go(page - 1)}>
                {t('search.prev')}
              </button>
              <span>{t('search.page', { page, pages })}</span>
              <button type="button" disabled={page >= pages} onClick={() => go(page + 1)}>
                {t('search.next')}
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
