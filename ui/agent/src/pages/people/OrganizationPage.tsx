// An organization's profile (/organizations/{id}): its details, tags, domains, users and
// tickets.
import { useEffect, useId, useState } from 'react';
import { ApiError, get } from '../../api';
import { useI18n, type MessageKey } from '../../i18n';
import type { PageProps } from '../routes';
import { errorText, Link, TicketTable, type TicketRow } from './common';

interface Organization {
  id: number;
  name: string;
  details: string | null;
  notes: string | null;
  tags: string[];
  domain_names: string[];
  shared_tickets: boolean;
}

interface Member {
  id: number;
  name: string;
  email: string | null;
  role: string;
}

export default function OrganizationPage(props: PageProps) {
  const { t } = useI18n();
  const id = Number(props.params.id);
  const uid = useId();
  const [org, setOrg] = useState<Organization | null>(null);
  const [users, setUsers] = useState<Member[] | null>(null);
  const [tickets, setTickets] = useState<TicketRow[] | null>(null);
  const [ticketCount, setTicketCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    (async () => {
      try {
        const o = await get<{ organization: Organization }>(`/api/v2/organizations/${id}`);
        if (stale) return;
        setOrg(o.organization);
        document.title = o.organization.name;
        const [u, tk, rel] = await Promise.all([
          get<{ users: Member[] }>(`/api/v2/organizations/${id}/users?per_page=100`),
          get<{ tickets: TicketRow[] }>(`/api/v2/organizations/${id}/tickets?per_page=30&sort_by=updated_at&sort_order=desc`),
          get<{ organization_related: { tickets_count: number } }>(`/api/v2/organizations/${id}/related`).catch(() => null),
        ]);
        if (stale) return;
        setUsers(u.users);
        setTickets(tk.tickets);
        setTicketCount(rel?.organization_related.tickets_count ?? tk.tickets.length);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return;
        if (!stale) setError(errorText(t, e));
      }
    })();
    return () => {
      stale = true;
    };
  }, [id, t, props.refresh]);

  if (error) {
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  }
  if (!org) {
    return (
      <p className="loading" role="status">
        {t('app.loading')}
      </p>
    );
  }
  return (
    <div className="people-page org-profile">
      <header className="people-head">
        <h1>{org.name}</h1>
        <p className="people-meta">
          {org.domain_names.length > 0 && <span>{t('org.domains', { domains: org.domain_names.join(', ') })}</span>}
          {org.shared_tickets && <span className="badge">{t('org.shared')}</span>}
          {org.tags.map((tag) => (
            <span key={tag} className="badge">
              {tag}
            </span>
          ))}
        </p>
      </header>
      <div className="people-grid">
        <div className="people-main">
          {(org.details || org.notes) && (
            <section className="people-block" aria-labelledby={`${uid}-d`}>
              <h2 id={`${uid}-d`}>{t('people.details')}</h2>
              {org.details && <p className="prewrap">{org.details}</p>}
              {org.notes && (
                <>
                  <h3>{t('people.notes')}</h3>
                  <p className="prewrap">{org.notes}</p>
                </>
              )}
            </section>
          )}
          <TicketTable tickets={tickets} caption={t('org.tickets', { count: ticketCount ?? 0 })} empty={t('people.noTickets')} />
        </div>
        <aside className="people-side">
          <section className="people-block" aria-labelledby={`${uid}-u`}>
            <h2 id={`${uid}-u`}>{t('org.users', { count: users?.length ?? 0 })}</h2>
            {users && users.length === 0 && <p>{t('org.noUsers')}</p>}
            {users && users.length > 0 && (
              <ul className="plain-list">
                {users.map((u) => (
                  <li key={u.id}>
                    <Link to={`/users/${u.id}`}>{u.name}</Link>{' '}
                    <span className="muted">{u.email}</span>
                    {u.role !== 'end-user' && <span className="badge">{t(`people.role.${u.role}` as MessageKey)}</span>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
