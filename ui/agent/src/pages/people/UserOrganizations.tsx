// A user's organizations on their profile: the list (the default one marked), and for who
// may edit the user, "Make default", "Remove" and "Add to the organization" (a name picked
// from GET /organizations/autocomplete). Memberships go through the public API:
// POST /users/{id}/organization_memberships, PUT …/organizations/{org}/make_default,
// DELETE /users/{id}/organization_memberships/{membership}.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, get, post, put } from '../../api';
import { useI18n } from '../../i18n';
import { errorText, FieldError, Link } from './common';

export interface Org {
  id: number;
  name: string;
}

export function UserOrganizations(props: {
  userId: number;
  orgs: Org[];
  defaultId: number | null;
  canEdit: boolean;
  onChanged: () => Promise<void>;
}) {
  const { t } = useI18n();
  const uid = useId();
  const [name, setName] = useState('');
  const [options, setOptions] = useState<Org[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: number; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const q = name.trim();
    if (!props.canEdit || q.length < 2) {
      setOptions([]);
      return;
    }
    const mine = ++seq.current;
    const timer = window.setTimeout(() => {
      get<{ organizations: Org[] }>(`/api/v2/organizations/autocomplete?name=${encodeURIComponent(q)}`)
        .then((r) => mine === seq.current && setOptions(r.organizations))
        .catch(() => mine === seq.current && setOptions([]));
    }, 150);
    return () => window.clearTimeout(timer);
  }, [name, props.canEdit]);

  const act = async (org: Org, what: 'default' | 'remove') => {
    setRowError(null);
    setBusy(true);
    try {
      if (what === 'default') {
        await put(`/api/v2/users/${props.userId}/organizations/${org.id}/make_default`, {});
      } else {
        const m = await get<{ organization_memberships: { id: number; organization_id: number }[] }>(
          `/api/v2/users/${props.userId}/organization_memberships`,
        );
        const membership = m.organization_memberships.find((x) => x.organization_id === org.id);
        if (membership) {
          await api('DELETE', `/api/v2/users/${props.userId}/organization_memberships/${membership.id}`);
        }
      }
      await props.onChanged();
    } catch (e) {
      setRowError({ id: org.id, message: e instanceof ApiError && e.status === 422 ? e.message : errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const wanted = name.trim().toLocaleLowerCase();
    const org = options.find((o) => o.name.toLocaleLowerCase() === wanted);
    if (!org) {
      setError(t('people.pickOrganization'));
      return;
    }
    setBusy(true);
    try {
      await post(`/api/v2/users/${props.userId}/organization_memberships`, {
        organization_membership: { organization_id: org.id },
      });
      setName('');
      setOptions([]);
      await props.onChanged();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 422 ? err.message : errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const many = props.orgs.length > 1;
  return (
    <section className="people-block" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t('people.organizations')}</h2>
      {props.orgs.length === 0 ? (
        <p>{t('people.noOrganizations')}</p>
      ) : (
        <ul className="plain-list identities">
          {props.orgs.map((o) => (
            <li key={o.id}>
              <Link to={`/organizations/${o.id}`}>{o.name}</Link>
              {o.id === props.defaultId && many && <span className="badge">{t('people.default')}</span>}
              {props.canEdit && (
                <span className="identity-actions">
                  {many && o.id !== props.defaultId && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => void act(o, 'default')}
                      aria-label={t('people.makeDefaultOf', { name: o.name })}
                    >
                      {t('people.makeDefault')}
                    </button>
                  )}
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => void act(o, 'remove')}
                    aria-label={t('people.removeFromOrg', { name: o.name })}
                  >
                    {t('people.remove')}
                  </button>
                </span>
              )}
              {rowError?.id === o.id && (
                <span className="field-error" role="alert">
                  {rowError.message}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.canEdit && (
        <form onSubmit={(e) => void add(e)} className="identity-add" noValidate>
          <label htmlFor={`${uid}-org`}>{t('people.organizationName')}</label>
          <input
            id={`${uid}-org`}
            type="text"
            list={`${uid}-orgs`}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${uid}-error` : undefined}
          />
          <datalist id={`${uid}-orgs`}>
            {options.map((o) => (
              <option key={o.id} value={o.name} />
            ))}
          </datalist>
          <FieldError id={`${uid}-error`} message={error ?? undefined} />
          <button type="submit" disabled={busy || name.trim() === ''}>
            {t('people.addOrganization')}
          </button>
        </form>
      )}
    </section>
  );
}
