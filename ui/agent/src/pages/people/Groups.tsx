// Groups: the list (/groups) and one group with its agents (/groups/{id}).
import { useEffect, useState } from 'react';
import { ApiError, get } from '../../api';
import { useI18n, type MessageKey } from '../../i18n';
import type { PageProps } from '../routes';
import { errorText, Link } from './common';

interface Group {
  id: number;
  name: string;
  description?: string;
  default?: boolean;
}

interface Agent {
  id: number;
  name: string;
  email: string | null;
  role: string;
}

export function GroupList(props: PageProps) {
  const { t } = useI18n();
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = t('groups.title');
    get<{ groups: Group[] }>('/api/v2/groups?per_page=100')
      .then((r) => setGroups(r.groups))
      .catch((e) => !(e instanceof ApiError && e.status === 401) && setError(errorText(t, e)));
  }, [t, props.refresh]);
  return (
    <div className="people-page">
      <h1>{t('groups.title')}</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {groups && groups.length === 0 && <p>{t('groups.none')}</p>}
      {groups && groups.length > 0 && (
        <ul className="plain-list card-list">
          {groups.map((g) => (
            <li key={g.id}>
              <Link to={`/groups/${g.id}`}>{g.name}</Link>
              {g.default && <span className="badge">{t('people.default')}</span>}
              {g.description && <p className="muted">{g.description}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function GroupPage(props: PageProps) {
  const { t } = useI18n();
  const id = Number(props.params.id);
  const [group, setGroup] = useState<Group | null>(null);
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([get<{ group: Group }>(`/api/v2/groups/${id}`), get<{ users: Agent[] }>(`/api/v2/groups/${id}/users?per_page=100`)])
      .then(([g, u]) => {
        setGroup(g.group);
        setAgents(u.users);
        document.title = g.group.name;
      })
      .catch((e) => !(e instanceof ApiError && e.status === 401) && setError(errorText(t, e)));
  }, [id, t, props.refresh]);
  if (error) {
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  }
  if (!group || !agents) {
    return (
      <p className="loading" role="status">
        {t('app.loading')}
      </p>
    );
  }
  return (
    <div className="people-page">
      <p>
        <Link to="/groups">{t('groups.back')}</Link>
      </p>
      <h1>{group.name}</h1>
      {group.description && <p>{group.description}</p>}
      <h2>{t('groups.agents', { count: agents.length })}</h2>
      {agents.length === 0 ? (
        <p>{t('groups.noAgents')}</p>
      ) : (
        <ul className="plain-list card-list">
          {agents.map((a) => (
            <li key={a.id}>
              <Link to={`/users/${a.id}`}>{a.name}</Link> <span className="muted">{a.email}</span>{' '}
              <span className="badge">{t(`people.role.${a.role}` as MessageKey)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
