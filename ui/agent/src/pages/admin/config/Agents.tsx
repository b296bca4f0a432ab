// Agents and roles: the agents and admins, adding one (optionally into a group), changing
// a role (admin, agent, or agent with a custom role from /custom_roles), suspending.
import { useState } from 'react';
import { get, post, put, type Group, type User } from '../../../api';
import { useI18n } from '../../../i18n';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, failureOf, noFailure, useLoad, type Failure } from './common';

interface Agent extends User {
  custom_role_id: number | null;
  suspended: boolean;
}
interface CustomRole {
  id: number;
  name: string;
  description: string;
}

// The role select's value: "admin", "agent" or "role:<custom role id>".
const roleValue = (u: { role: string; custom_role_id: number | null }) =>
  u.role === 'admin' ? 'admin' : u.custom_role_id ? `role:${u.custom_role_id}` : 'agent';
const roleBody = (v: string) =>
  v === 'admin'
    ? { role: 'admin', custom_role_id: null }
    : v.startsWith('role:')
      ? { role: 'agent', custom_role_id: Number(v.slice(5)) }
      : { role: 'agent', custom_role_id: null };

export default function Agents(_: SectionProps) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(
    () =>
      Promise.all([
        get<{ users: Agent[] }>('/api/v2/users?role[]=agent&role[]=admin&per_page=100'),
        get<{ custom_roles: CustomRole[] }>('/api/v2/custom_roles'),
        get<{ groups: Group[] }>('/api/v2/groups?per_page=100'),
      ]),
    [],
  );
  const [form, setForm] = useState({ name: '', email: '', role: 'agent', group: '' });
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);
  const [rowFailure, setRowFailure] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState(false);

  if (!data) return <Loading error={error} />;
  const [{ users }, { custom_roles: roles }, { groups }] = data;

  const roleOptions = (
    <>
      <option value="agent">{t('cfg.agents.roleAgent')}</option>
      <option value="admin">{t('cfg.agents.roleAdmin')}</option>
      {roles.map((r) => (
        <option key={r.id} value={`role:${r.id}`}>
          {t('cfg.agents.roleCustom', { name: r.name })}
        </option>
      ))}
    </>
  );

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFailure(noFailure);
    setDone(null);
    try {
      const made = await post<{ user: Agent }>('/api/v2/users', {
        user: { name: form.name, email: form.email, ...roleBody(form.role) },
      });
      if (form.group) {
        await post('/api/v2/group_memberships', {
          group_membership: { user_id: made.user.id, group_id: Number(form.group) },
        });
      }
      setDone(t('cfg.agents.created', { name: made.user.name }));
      setForm({ name: '', email: '', role: 'agent', group: '' });
      reload();
    } catch (err) {
      setFailure(failureOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function change(u: Agent, body: Record<string, unknown>, message: string) {
    setRowFailure((r) => ({ ...r, [u.id]: '' }));
    setDone(null);
    try {
      await put(`/api/v2/users/${u.id}`, { user: body });
      setDone(message);
      reload();
    } catch (err) {
      const f = failureOf(err);
      setRowFailure((r) => ({ ...r, [u.id]: f.message ?? Object.values(f.fields).join(' ') }));
    }
  }

  return (
    <div className="cfg">
      <h1>{t('cfg.agents.title')}</h1>
      <Outcome done={done} />
      <div className="cfg-table-wrap">
        <table className="cfg-table">
          <caption className="visually-hidden">{t('cfg.agents.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cfg.name')}</th>
              <th scope="col">{t('cfg.email')}</th>
              <th scope="col">{t('cfg.agents.role')}</th>
              <th scope="col">{t('cfg.agents.state')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td className="cfg-break">{u.email}</td>
                <td>
                  <select
                    aria-label={t('cfg.agents.roleOf', { name: u.name })}
                    value={roleValue(u)}
                    onChange={(e) =>
                      void change(u, roleBody(e.target.value), t('cfg.agents.roleChanged', { name: u.name }))
                    }
                  >
                    {roleOptions}
                  </select>
                  {rowFailure[u.id] && (
                    <span className="field-error" role="alert">
                      {rowFailure[u.id]}
                    </span>
                  )}
                </td>
                <td>
                  {u.suspended ? t('cfg.agents.suspended') : t('cfg.agents.active')}{' '}
                  <button
                    type="button"
                    onClick={() =>
                      void change(
                        u,
                        { suspended: !u.suspended },
                        t(u.suspended ? 'cfg.agents.reactivated' : 'cfg.agents.deactivated', { name: u.name }),
                      )
                    }
                  >
                    {u.suspended
                      ? t('cfg.agents.reactivate', { name: u.name })
                      : t('cfg.agents.deactivate', { name: u.name })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <form className="cfg-form" onSubmit={(e) => void create(e)} aria-labelledby="cfg-agents-new">
        <h2 id="cfg-agents-new">{t('cfg.agents.new')}</h2>
        <Field label={t('cfg.name')} error={failure.fields.name}>
          {(a) => (
            <input {...a} type="text" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          )}
        </Field>
        <Field label={t('cfg.email')} error={failure.fields.email}>
          {(a) => (
            <input {...a} type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          )}
        </Field>
        <Field label={t('cfg.agents.role')} error={failure.fields.role ?? failure.fields.custom_role_id}>
          {(a) => (
            <select {...a} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
              {roleOptions}
            </select>
          )}
        </Field>
        <Field label={t('cfg.agents.group')} error={failure.fields.group_id}>
          {(a) => (
            <select {...a} value={form.group} onChange={(e) => setForm({ ...form, group: e.target.value })}>
              <option value="">{t('value.none')}</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Outcome failure={failure} />
        <button className="primary" type="submit" disabled={busy}>
          {t('cfg.agents.add')}
        </button>
      </form>
    </div>
  );
}
