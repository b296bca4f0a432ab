// Groups: create, rename, delete; a group's members (group memberships) added and removed.
import { useState } from 'react';
import { api, get, post, put, type Group, type User } from '../../../api';
import { useI18n } from '../../../i18n';
import { BASE, navigate, onLinkClick } from '../../../router';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, confirmed, failureOf, noFailure, useLoad, type Failure, SaveOrDelete } from './common';

interface FullGroup extends Group {
  description: string;
}
interface Membership {
  id: number;
  user_id: number;
  group_id: number;
}

export default function Groups(props: SectionProps) {
  const { t } = useI18n();
  const id = Number(props.path) || 0;
  const { data, error, reload } = useLoad(() => get<{ groups: FullGroup[] }>('/api/v2/groups?per_page=100'), []);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);

  if (!data) return <Loading error={error} />;
  const current = data.groups.find((g) => g.id === id);
  if (id && current) return <GroupPage group={current} onChange={reload} />;

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setFailure(noFailure);
    setDone(null);
    try {
      const r = await post<{ group: FullGroup }>('/api/v2/groups', { group: { name, description } });
      setDone(t('cfg.groups.created', { name: r.group.name }));
      setName('');
      setDescription('');
      reload();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }

  return (
    <div className="cfg">
      <h1>{t('cfg.groups.title')}</h1>
      <Outcome done={done} />
      {data.groups.length === 0 ? (
        <p>{t('cfg.groups.none')}</p>
      ) : (
        <ul className="cfg-list">
          {data.groups.map((g) => (
            <li key={g.id}>
              <a href={`${BASE}/admin/groups/${g.id}`} onClick={onLinkClick}>
                {g.name}
              </a>
              {g.description && <span className="hint"> — {g.description}</span>}
            </li>
          ))}
        </ul>
      )}
      <form className="cfg-form" onSubmit={(e) => void create(e)} aria-labelledby="cfg-groups-new">
        <h2 id="cfg-groups-new">{t('cfg.groups.new')}</h2>
        <Field label={t('cfg.name')} error={failure.fields.name}>
          {(a) => <input {...a} type="text" required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('cfg.description')} error={failure.fields.description}>
          {(a) => <input {...a} type="text" value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Outcome failure={failure} />
        <button className="primary" type="submit">
          {t('cfg.groups.create')}
        </button>
      </form>
    </div>
  );
}

function GroupPage(props: { group: FullGroup; onChange: () => void }) {
  const { t } = useI18n();
  const g = props.group;
  const { data, error, reload } = useLoad(
    () =>
      Promise.all([
        get<{ group_memberships: Membership[] }>(`/api/v2/groups/${g.id}/memberships?per_page=100`),
        get<{ users: User[] }>('/api/v2/users?role[]=agent&role[]=admin&per_page=100'),
      ]),
    [g.id],
  );
  const [name, setName] = useState(g.name);
  const [description, setDescription] = useState(g.description ?? '');
  const [agent, setAgent] = useState('');
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [memberFailure, setMemberFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setFailure(noFailure);
    try {
      await put(`/api/v2/groups/${g.id}`, { group: { name, description } });
      setDone(t('cfg.saved'));
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  async function remove() {
    if (!confirmed(t('cfg.groups.confirmDelete', { name: g.name }))) return;
    try {
      await api('DELETE', `/api/v2/groups/${g.id}`);
      navigate('/admin/groups');
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  async function addMember(e: React.FormEvent) {
    e.preventDefault();
    setMemberFailure(noFailure);
    try {
      await post('/api/v2/group_memberships', { group_membership: { user_id: Number(agent), group_id: g.id } });
      setAgent('');
      reload();
    } catch (err) {
      setMemberFailure(failureOf(err));
    }
  }
  async function removeMember(m: Membership) {
    setMemberFailure(noFailure);
    try {
      await api('DELETE', `/api/v2/group_memberships/${m.id}`);
      reload();
    } catch (err) {
      setMemberFailure(failureOf(err));
    }
  }

  const names = new Map((data?.[1].users ?? []).map((u) => [u.id, u.name]));
  const memberIds = new Set((data?.[0].group_memberships ?? []).map((m) => m.user_id));
  return (
    <div className="cfg">
      <p>
        <a href={`${BASE}/admin/groups`} onClick={onLinkClick}>
          {t('cfg.groups.back')}
        </a>
      </p>
      <h1>{g.name}</h1>
      <Outcome done={done} />
      <form className="cfg-form" onSubmit={(e) => void save(e)} aria-label={t('cfg.groups.edit')}>
        <Field label={t('cfg.name')} error={failure.fields.name}>
          {(a) => <input {...a} type="text" required value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t('cfg.description')} error={failure.fields.description}>
          {(a) => <input {...a} type="text" value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Outcome failure={failure} />
        <SaveOrDelete existing onDelete={() => void remove()} />
      </form>
      <h2 id="cfg-members">{t('cfg.groups.members')}</h2>
      {!data ? (
        <Loading error={error} />
      ) : (
        <>
          {data[0].group_memberships.length === 0 ? (
            <p>{t('cfg.groups.noMembers')}</p>
          ) : (
            <ul className="cfg-list" aria-labelledby="cfg-members">
              {data[0].group_memberships.map((m) => (
                <li key={m.id}>
                  <span>{names.get(m.user_id) ?? `#${m.user_id}`}</span>{' '}
                  <button type="button" onClick={() => void removeMember(m)}>
                    {t('cfg.groups.removeMember', { name: names.get(m.user_id) ?? `#${m.user_id}` })}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form className="cfg-inline" onSubmit={(e) => void addMember(e)}>
            <Field label={t('cfg.groups.addAgent')} error={memberFailure.fields.user_id ?? memberFailure.message ?? undefined}>
              {(a) => (
                <select {...a} required value={agent} onChange={(e) => setAgent(e.target.value)}>
                  <option value="">{t('cfg.choose')}</option>
                  {data[1].users
                    .filter((u) => !memberIds.has(u.id))
                    .map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                </select>
              )}
            </Field>
            <button type="submit">{t('cfg.groups.add')}</button>
          </form>
        </>
      )}
    </div>
  );
}
