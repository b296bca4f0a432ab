// Organizations: list, create, edit (name, domains, details, notes, tags), delete. A new
// end user whose email is in one of the domains joins the organization.
import { useState } from 'react';
import { api, get, post, put } from '../../../api';
import { useI18n } from '../../../i18n';
import { BASE, navigate, onLinkClick } from '../../../router';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, confirmed, failureOf, noFailure, useLoad, type Failure, SaveOrDelete } from './common';

interface Org {
  id: number;
  name: string;
  domain_names: string[];
  details: string | null;
  notes: string | null;
  tags: string[];
}

const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);

export default function Organizations(props: SectionProps) {
  const { t } = useI18n();
  const id = props.path === 'new' ? -1 : Number(props.path) || 0;
  const { data, error, reload } = useLoad(
    () => get<{ organizations: Org[] }>('/api/v2/organizations?per_page=100'),
    [],
  );
  if (!data) return <Loading error={error} />;
  if (id) {
    const org = data.organizations.find((o) => o.id === id);
    if (id > 0 && !org) return <p role="alert">{t('admin.notFound')}</p>;
    return <OrgForm key={id} org={org ?? null} onChange={reload} />;
  }
  return (
    <div className="cfg">
      <h1>{t('cfg.orgs.title')}</h1>
      <p>
        <a className="cfg-button" href={`${BASE}/admin/organizations/new`} onClick={onLinkClick}>
          {t('cfg.orgs.new')}
        </a>
      </p>
      {data.organizations.length === 0 ? (
        <p>{t('cfg.orgs.none')}</p>
      ) : (
        <div className="cfg-table-wrap">
          <table className="cfg-table">
            <caption className="visually-hidden">{t('cfg.orgs.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cfg.name')}</th>
                <th scope="col">{t('cfg.orgs.domains')}</th>
              </tr>
            </thead>
            <tbody>
              {data.organizations.map((o) => (
                <tr key={o.id}>
                  <td>
                    <a href={`${BASE}/admin/organizations/${o.id}`} onClick={onLinkClick}>
                      {o.name}
                    </a>
                  </td>
                  <td className="cfg-break">{o.domain_names.join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function OrgForm(props: { org: Org | null; onChange: () => void }) {
  const { t } = useI18n();
  const o = props.org;
  const [form, setForm] = useState({
    name: o?.name ?? '',
    domains: o?.domain_names.join(' ') ?? '',
    details: o?.details ?? '',
    notes: o?.notes ?? '',
    tags: o?.tags.join(' ') ?? '',
  });
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setFailure(noFailure);
    setDone(null);
    const body = {
      organization: {
        name: form.name,
        domain_names: words(form.domains),
        details: form.details,
        notes: form.notes,
        tags: words(form.tags),
      },
    };
    try {
      if (o) {
        await put(`/api/v2/organizations/${o.id}`, body);
        setDone(t('cfg.saved'));
      } else {
        const r = await post<{ organization: Org }>('/api/v2/organizations', body);
        navigate(`/admin/organizations/${r.organization.id}`);
      }
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  async function remove() {
    if (!o || !confirmed(t('cfg.orgs.confirmDelete', { name: o.name }))) return;
    try {
      await api('DELETE', `/api/v2/organizations/${o.id}`);
      navigate('/admin/organizations');
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setForm({ ...form, [k]: e.target.value });

  return (
    <div className="cfg">
      <p>
        <a href={`${BASE}/admin/organizations`} onClick={onLinkClick}>
          {t('cfg.orgs.back')}
        </a>
      </p>
      <h1>{o ? o.name : t('cfg.orgs.new')}</h1>
      <Outcome done={done} />
      <form className="cfg-form" onSubmit={(e) => void save(e)} aria-label={o ? o.name : t('cfg.orgs.new')}>
        <Field label={t('cfg.name')} error={failure.fields.name}>
          {(a) => <input {...a} type="text" required value={form.name} onChange={set('name')} />}
        </Field>
        <Field label={t('cfg.orgs.domains')} hint={t('cfg.orgs.domainsHint')} error={failure.fields.domain_names}>
          {(a) => <input {...a} type="text" value={form.domains} onChange={set('domains')} />}
        </Field>
        <Field label={t('cfg.orgs.tags')} error={failure.fields.tags}>
          {(a) => <input {...a} type="text" value={form.tags} onChange={set('tags')} />}
        </Field>
        <Field label={t('cfg.orgs.details')} error={failure.fields.details}>
          {(a) => <textarea {...a} rows={2} value={form.details} onChange={set('details')} />}
        </Field>
        <Field label={t('cfg.orgs.notes')} error={failure.fields.notes}>
          {(a) => <textarea {...a} rows={2} value={form.notes} onChange={set('notes')} />}
        </Field>
        <Outcome failure={failure} />
        <SaveOrDelete existing={!!o} onDelete={() => void remove()} />
      </form>
    </div>
  );
}
