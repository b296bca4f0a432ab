import { Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { get, type User, type View, type ViewCount } from '../api';
import { PeopleHeader } from '../components/Broadcasts';
import { LanguagePicker } from '../components/LanguagePicker';
import { SignOutButton } from '../components/SignOut';
import { SearchBox } from '../queue/SearchBox';
import { Shortcuts } from '../queue/Shortcuts';
import { useI18n } from '../i18n';
import { useLive, type LiveEvent } from '../live';
import { BASE, match, navigate, onLinkClick, type Location } from '../router';
import { routes } from './routes';
import { TicketPage } from './TicketPage';
import { ViewTable } from './ViewTable';

// The agent workspace: views (with counts) in the sidebar, then a view's tickets or a ticket.
export function Workspace(props: { user: User; loc: Location; onSignedOut: () => void }) {
  const { t } = useI18n();
  const [views, setViews] = useState<View[] | null>(null);
  const [counts, setCounts] = useState<Record<number, ViewCount>>({});
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0); // bumped by live events: screens refetch
  const [changedTicket, setChangedTicket] = useState<{ id: number; n: number } | null>(null);
  const lastView = useRef<number | null>(null);

  const viewMatch = match('/views/{id}', props.loc.path);
  const ticketMatch = /^\/tickets\/\d+$/.test(props.loc.path) ? match('/tickets/{id}', props.loc.path) : null;
  const viewId = viewMatch ? Number(viewMatch.id) : null;
  if (viewId) lastView.current = viewId;
  // Another page of the workspace (routes.tsx): the first pattern that matches.
  let other: { render: (typeof routes)[number]['render']; params: Record<string, string> } | null = null;
  if (!viewMatch && !ticketMatch) {
    for (const r of routes) {
      const params = match(r.pattern, props.loc.path);
      if (params) {
        other = { render: r.render, params };
        break;
      }
    }
  }
  const onAdmin = match('/admin/*', props.loc.path) !== null;

  useEffect(() => {
    get<{ views: View[] }>('/api/v2/views/active')
      .then((r) => setViews(r.views))
      .catch((e: Error) => setError(e.message));
  }, []);

  const refreshCounts = useCallback(async () => {
    if (!views || views.length === 0) return;
    try {
      const ids = views.map((v) => v.id).join(',');
      const r = await get<{ view_counts: ViewCount[] }>(`/api/v2/views/count_many?ids=${ids}`);
      const next: Record<number, ViewCount> = {};
      for (const c of r.view_counts) next[c.view_id] = c;
      setCounts(next);
    } catch {
      /* counts stay as they were; a 401 is handled globally */
    }
  }, [views]);

  useEffect(() => {
    void refreshCounts();
    // Counts the server had not computed yet ("fresh": false) and changes missed while
    // offline: a slow poll besides the live channel.
    const id = window.setInterval(() => void refreshCounts(), 60000);
    return () => window.clearInterval(id);
  }, [refreshCounts]);

  // Live: refresh counts (debounced) and tell the screens.
  const pending = useRef<number | undefined>(undefined);
  const online = useLive((e: LiveEvent) => {
    if (e.type === 'hello') return;
    window.clearTimeout(pending.current);
    pending.current = window.setTimeout(() => {
      void refreshCounts();
      setTick((n) => n + 1);
    }, 300);
    if (e.ticket_id) setChangedTicket((c) => ({ id: e.ticket_id!, n: (c?.n ?? 0) + 1 }));
  });

  // "/" → the first view.
  useEffect(() => {
    if (props.loc.path === '/' && views && views.length > 0) navigate(`/views/${views[0].id}`, true);
  }, [props.loc.path, views]);

  const mainRef = useRef<HTMLElement>(null);
  return (
    <div className="workspace">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <nav className="topnav" aria-label={t('nav.main')}>
          <a href={`${BASE}/`} onClick={onLinkClick} aria-current={!onAdmin ? 'page' : undefined}>
            {t('nav.workspace')}
          </a>
          <a href={`${BASE}/admin`} onClick={onLinkClick} aria-current={onAdmin ? 'page' : undefined}>
            {t('nav.admin')}
          </a>
        </nav>
        <SearchBox loc={props.loc} />
        <Shortcuts />
        <span className="who">{t('app.signedInAs', { name: props.user.name })}</span>
        <LanguagePicker />
        <SignOutButton onSignedOut={props.onSignedOut} />
        <PeopleHeader user={props.user} />
      </header>
      {!online && (
        <p className="offline" role="status">
          {t('live.offline')}
        </p>
      )}
      <div className="layout">
        <nav className={`sidebar${ticketMatch ? ' on-ticket' : ''}`} aria-labelledby="views-heading">
          <a className="new-ticket-link" href={`${BASE}/tickets/new`} onClick={onLinkClick}>{t('tk.newTicket')}</a>
          <h2 id="views-heading">{t('views.heading')}</h2>
          {error && (
            <p className="error" role="alert">
              {t('error.generic', { message: error })}
            </p>
          )}
          {views && views.length === 0 && <p>{t('views.none')}</p>}
          {views && (
            <ul>
              {views.map((v) => {
                const c = counts[v.id];
                const label =
                  c && c.value !== null ? t('views.count', { count: c.value }) : t('views.countUnknown');
                return (
                  <li key={v.id}>
                    <a
                      href={`${BASE}/views/${v.id}`}
                      onClick={onLinkClick}
                      aria-current={v.id === viewId ? 'page' : undefined}
                    >
                      <span className="view-title">{v.title}</span>
                      <span className="count" aria-label={label} data-view-count={v.id}>
                        {c ? c.pretty : '…'}
                      </span>
                    </a>
                  </li>
                );
              })}
            </ul>
          )}
        </nav>
        <main id="main" ref={mainRef} tabIndex={-1}>
          {viewId && views && (
            <ViewTable
              key={viewId}
              viewId={viewId}
              title={views.find((v) => v.id === viewId)?.title ?? ''}
              page={Number(props.loc.query.get('page') ?? '1') || 1}
              perPage={Number(props.loc.query.get('per_page') ?? '30') || 30}
              refresh={tick}
            />
          )}
          {ticketMatch && (
            <TicketPage
              key={ticketMatch.id}
              ticketId={Number(ticketMatch.id)}
              me={props.user}
              backTo={lastView.current ? `/views/${lastView.current}` : '/'}
              changed={changedTicket}
            />
          )}
          {other && (
            <Suspense
              fallback={
                <p className="loading" role="status">
                  {t('app.loading')}
                </p>
              }
            >
              {other.render({
                user: props.user,
                loc: props.loc,
                params: other.params,
                refresh: tick,
                changedTicket,
              })}
            </Suspense>
          )}
          {!viewMatch && !ticketMatch && !other && props.loc.path !== '/' && (
            <p role="alert">{t('page.notFound')}</p>
          )}
        </main>
      </div>
    </div>
  );
}
