// Webhooks: list, create, edit, delete; a test request and its answer; the signing secret
// (revealed on demand, reset); the invocation log with each invocation's attempts.
import { useState } from 'react';
import { api, get, post } from '../../../api';
import { formatDate, useI18n } from '../../../i18n';
import { BASE, navigate, onLinkClick } from '../../../router';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, confirmed, failureOf, noFailure, useLoad, type Failure, SaveOrDelete } from './common';

interface Webhook {
  id: string;
  name: string;
  description: string;
  status: 'active' | 'inactive';
  endpoint: string;
  http_method: string;
  request_format: string;
  authentication: { type: string; data: { username?: string; name?: string } } | null;
  created_at: string;
}
interface Invocation {
  id: string;
  status: string;
  status_code: number | null;
  created_at: string;
  latest_completed_at: string;
}
interface Attempt {
  id: string;
  status: string;
  status_code: number;
  duration: number;
  completed_at: string;
}

const METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'];
const FORMATS = ['json', 'xml', 'form_encoded'];
const AUTHS = ['', 'basic_auth', 'bearer_token', 'api_key'] as const;

export default function Webhooks(props: SectionProps) {
  const { t, lang } = useI18n();
  const id = props.path === 'new' ? 'new' : props.path.split('/')[0];
  const { data, error, reload } = useLoad(() => get<{ webhooks: Webhook[] }>('/api/v2/webhooks?page[size]=100'), []);
  if (!data) return <Loading error={error} />;
  if (id) {
    const w = data.webhooks.find((x) => x.id === id);
    if (id !== 'new' && !w) return <p role="alert">{t('admin.notFound')}</p>;
    return <WebhookPage key={id} webhook={w ?? null} onChange={reload} />;
  }
  return (
    <div className="cfg">
      <h1>{t('cfg.webhooks.title')}</h1>
      <p>
        <a className="cfg-button" href={`${BASE}/admin/webhooks/new`} onClick={onLinkClick}>
          {t('cfg.webhooks.new')}
        </a>
      </p>
      {data.webhooks.length === 0 ? (
        <p>{t('cfg.webhooks.none')}</p>
      ) : (
        <div className="cfg-table-wrap">
          <table className="cfg-table">
            <caption className="visually-hidden">{t('cfg.webhooks.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cfg.name')}</th>
                <th scope="col">{t('cfg.webhooks.endpoint')}</th>
                <th scope="col">{t('cfg.webhooks.status')}</th>
                <th scope="col">{t('cfg.webhooks.created')}</th>
              </tr>
            </thead>
            <tbody>
              {data.webhooks.map((w) => (
                <tr key={w.id}>
                  <td>
                    <a href={`${BASE}/admin/webhooks/${w.id}`} onClick={onLinkClick}>
                      {w.name}
                    </a>
                  </td>
                  <td className="cfg-break">
                    {w.http_method} {w.endpoint}
                  </td>
                  <td>{w.status === 'active' ? t('cfg.active') : t('cfg.inactive')}</td>
                  <td>{formatDate(lang, w.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function WebhookPage(props: { webhook: Webhook | null; onChange: () => void }) {
  const { t } = useI18n();
  const w = props.webhook;
  const [form, setForm] = useState({
    name: w?.name ?? '',
    description: w?.description ?? '',
    endpoint: w?.endpoint ?? 'https://',
    http_method: w?.http_method ?? 'POST',
    request_format: w?.request_format ?? 'json',
    status: w?.status ?? 'active',
    auth: (w?.authentication?.type ?? '') as (typeof AUTHS)[number],
    username: w?.authentication?.data.username ?? '',
    password: '',
    token: '',
    keyName: w?.authentication?.data.name ?? '',
    keyValue: '',
  });
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);
  const set =
    (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setForm({ ...form, [k]: e.target.value });

  function authentication() {
    if (!form.auth) return null;
    const keep = w && w.authentication?.type === form.auth; // unchanged type: blank secrets are kept
    if (form.auth === 'basic_auth') {
      if (keep && !form.password) return { type: form.auth, add_position: 'header' };
      return { type: form.auth, add_position: 'header', data: { username: form.username, password: form.password } };
    }
    if (form.auth === 'bearer_token') {
      if (keep && !form.token) return { type: form.auth, add_position: 'header' };
      return { type: form.auth, add_position: 'header', data: { token: form.token } };
    }
    if (keep && !form.keyValue) return { type: form.auth, add_position: 'header' };
    return { type: form.auth, add_position: 'header', data: { name: form.keyName, value: form.keyValue } };
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setFailure(noFailure);
    setDone(null);
    const body = {
      webhook: {
        name: form.name,
        description: form.description,
        endpoint: form.endpoint,
        http_method: form.http_method,
        request_format: form.request_format,
        status: form.status,
        subscriptions: ['conditional_ticket_events'],
        authentication: authentication(),
      },
    };
    try {
      if (w) {
        await api('PATCH', `/api/v2/webhooks/${w.id}`, body);
        setDone(t('cfg.saved'));
      } else {
        const r = await post<{ webhook: Webhook }>('/api/v2/webhooks', body);
        navigate(`/admin/webhooks/${r.webhook.id}`);
      }
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  async function remove() {
    if (!w || !confirmed(t('cfg.webhooks.confirmDelete', { name: w.name }))) return;
    try {
      await api('DELETE', `/api/v2/webhooks/${w.id}`);
      navigate('/admin/webhooks');
      props.onChange();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }

  return (
    <div className="cfg">
      <p>
        <a href={`${BASE}/admin/webhooks`} onClick={onLinkClick}>
          {t('cfg.webhooks.back')}
        </a>
      </p>
      <h1>{w ? w.name : t('cfg.webhooks.new')}</h1>
      <Outcome done={done} />
      <form className="cfg-form" onSubmit={(e) => void save(e)} aria-label={w ? w.name : t('cfg.webhooks.new')}>
        <Field label={t('cfg.name')} error={failure.fields.name}>
          {(a) => <input {...a} type="text" required value={form.name} onChange={set('name')} />}
        </Field>
        <Field label={t('cfg.description')} error={failure.fields.description}>
          {(a) => <input {...a} type="text" value={form.description} onChange={set('description')} />}
        </Field>
        <Field label={t('cfg.webhooks.endpoint')} error={failure.fields.endpoint}>
          {(a) => <input {...a} type="url" required value={form.endpoint} onChange={set('endpoint')} />}
        </Field>
        <div className="cfg-row">
          <Field label={t('cfg.webhooks.method')} error={failure.fields.http_method}>
            {(a) => (
              <select {...a} value={form.http_method} onChange={set('http_method')}>
                {METHODS.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('cfg.webhooks.format')} error={failure.fields.request_format}>
            {(a) => (
              <select {...a} value={form.request_format} onChange={set('request_format')}>
                {FORMATS.map((m) => (
                  <option key={m} value={m}>
                    {m === 'form_encoded' ? 'form-encoded' : m.toUpperCase()}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('cfg.webhooks.status')} error={failure.fields.status}>
            {(a) => (
              <select {...a} value={form.status} onChange={set('status')}>
                <option value="active">{t('cfg.active')}</option>
                <option value="inactive">{t('cfg.inactive')}</option>
              </select>
            )}
          </Field>
        </div>
        <Field label={t('cfg.webhooks.auth')} error={failure.fields.authentication}>
          {(a) => (
            <select {...a} value={form.auth} onChange={set('auth')}>
              <option value="">{t('cfg.webhooks.authNone')}</option>
              <option value="basic_auth">{t('cfg.webhooks.authBasic')}</option>
              <option value="bearer_token">{t('cfg.webhooks.authBearer')}</option>
              <option value="api_key">{t('cfg.webhooks.authApiKey')}</option>
            </select>
          )}
        </Field>
        {w?.authentication && form.auth === w.authentication.type && (
          <p className="hint">{t('cfg.webhooks.secretKept')}</p>
        )}
        {form.auth === 'basic_auth' && (
          <div className="cfg-row">
            <Field label={t('cfg.webhooks.username')}>
              {(a) => <input {...a} type="text" value={form.username} onChange={set('username')} />}
            </Field>
            <Field label={t('cfg.webhooks.password')}>
              {(a) => <input {...a} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
            </Field>
          </div>
        )}
        {form.auth === 'bearer_token' && (
          <Field label={t('cfg.webhooks.token')}>
            {(a) => <input {...a} type="password" autoComplete="off" value={form.token} onChange={set('token')} />}
          </Field>
        )}
        {form.auth === 'api_key' && (
          <div className="cfg-row">
            <Field label={t('cfg.webhooks.headerName')}>
              {(a) => <input {...a} type="text" value={form.keyName} onChange={set('keyName')} />}
            </Field>
            <Field label={t('cfg.webhooks.headerValue')}>
              {(a) => <input {...a} type="password" autoComplete="off" value={form.keyValue} onChange={set('keyValue')} />}
            </Field>
          </div>
        )}
        <Outcome failure={failure} />
        <SaveOrDelete existing={!!w} onDelete={() => void remove()} />
      </form>
      {w && <TestRequest webhook={w} />}
      {w && <SigningSecret webhook={w} />}
      {w && <InvocationLog webhook={w} />}
    </div>
  );
}

function TestRequest(props: { webhook: Webhook }) {
  const { t } = useI18n();
  const [payload, setPayload] = useState('{"ticket": {"id": 1, "status": "open"}}');
  const [answer, setAnswer] = useState<{ status: number; body: string } | null>(null);
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [busy, setBusy] = useState(false);
  async function send(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFailure(noFailure);
    setAnswer(null);
    try {
      const r = await post<{ response: { status: number; body: string } }>(
        `/api/v2/webhooks/test?webhook_id=${props.webhook.id}`,
        { request: { payload } },
      );
      setAnswer(r.response);
    } catch (err) {
      setFailure(failureOf(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="cfg-card" onSubmit={(e) => void send(e)} aria-labelledby="cfg-wh-test">
      <h2 id="cfg-wh-test">{t('cfg.webhooks.test')}</h2>
      <Field label={t('cfg.webhooks.payload')} error={failure.fields.payload}>
        {(a) => <textarea {...a} rows={3} value={payload} onChange={(e) => setPayload(e.target.value)} />}
      </Field>
      <Outcome failure={failure} />
      <button type="submit" disabled={busy}>
        {t('cfg.webhooks.sendTest')}
      </button>
      {answer && (
        <div role="status" className="cfg-answer">
          <p>{t('cfg.webhooks.answer', { status: answer.status })}</p>
          {answer.body && <pre>{answer.body.slice(0, 2000)}</pre>}
        </div>
      )}
    </form>
  );
}

function SigningSecret(props: { webhook: Webhook }) {
  const { t } = useI18n();
  const [secret, setSecret] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure>(noFailure);
  async function load(reset: boolean) {
    setFailure(noFailure);
    if (reset && !confirmed(t('cfg.webhooks.confirmReset'))) return;
    try {
      const url = `/api/v2/webhooks/${props.webhook.id}/signing_secret`;
      const r = reset
        ? await post<{ signing_secret: { secret: string } }>(url, {})
        : await get<{ signing_secret: { secret: string } }>(url);
      setSecret(r.signing_secret.secret);
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  return (
    <section className="cfg-card" aria-labelledby="cfg-wh-secret">
      <h2 id="cfg-wh-secret">{t('cfg.webhooks.secret')}</h2>
      <p className="hint">{t('cfg.webhooks.secretHint')}</p>
      {secret ? (
        <div className="cfg-inline">
          <label htmlFor="cfg-wh-secret-value">{t('cfg.webhooks.secretValue')}</label>
          <input id="cfg-wh-secret-value" className="cfg-secret" type="text" readOnly value={secret} />
          <button type="button" onClick={() => setSecret(null)}>
            {t('cfg.webhooks.hide')}
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => void load(false)}>
          {t('cfg.webhooks.reveal')}
        </button>
      )}{' '}
      <button type="button" onClick={() => void load(true)}>
        {t('cfg.webhooks.resetSecret')}
      </button>
      <Outcome failure={failure} />
    </section>
  );
}

function InvocationLog(props: { webhook: Webhook }) {
  const { t, lang } = useI18n();
  const { data, error, reload } = useLoad(
    () => get<{ invocations: Invocation[] }>(`/api/v2/webhooks/${props.webhook.id}/invocations?page[size]=50`),
    [props.webhook.id],
  );
  const [open, setOpen] = useState<string | null>(null);
  const [attempts, setAttempts] = useState<Record<string, Attempt[]>>({});
  async function toggle(i: Invocation) {
    if (open === i.id) {
      setOpen(null);
      return;
    }
    setOpen(i.id);
    try {
      const r = await get<{ attempts: Attempt[] }>(
        `/api/v2/webhooks/${props.webhook.id}/invocations/${i.id}/attempts`,
      );
      setAttempts((a) => ({ ...a, [i.id]: r.attempts }));
    } catch {
      setAttempts((a) => ({ ...a, [i.id]: [] }));
    }
  }
  return (
    <section className="cfg-card" aria-labelledby="cfg-wh-log">
      <h2 id="cfg-wh-log">{t('cfg.webhooks.log')}</h2>
      <p className="hint">{t('cfg.webhooks.logHint')}</p>
      <button type="button" onClick={reload}>
        {t('cfg.refresh')}
      </button>
      {!data ? (
        <Loading error={error} />
      ) : data.invocations.length === 0 ? (
        <p>{t('cfg.webhooks.noInvocations')}</p>
      ) : (
        <div className="cfg-table-wrap">
          <table className="cfg-table" aria-labelledby="cfg-wh-log">
            <thead>
              <tr>
                <th scope="col">{t('cfg.webhooks.when')}</th>
                <th scope="col">{t('cfg.webhooks.status')}</th>
                <th scope="col">{t('cfg.webhooks.code')}</th>
                <th scope="col">{t('cfg.webhooks.attempts')}</th>
              </tr>
            </thead>
            <tbody>
              {data.invocations.map((i) => (
                <tr key={i.id} className={`cfg-inv-${i.status}`}>
                  <td>{formatDate(lang, i.created_at)}</td>
                  <td>{i.status}</td>
                  <td>{i.status_code ?? t('value.none')}</td>
                  <td>
                    <button type="button" aria-expanded={open === i.id} onClick={() => void toggle(i)}>
                      {t('cfg.webhooks.showAttempts', { id: i.id })}
                    </button>
                    {open === i.id && (
                      <ol className="cfg-attempts">
                        {(attempts[i.id] ?? []).map((a) => (
                          <li key={a.id}>
                            {t('cfg.webhooks.attempt', {
                              code: a.status_code,
                              status: a.status,
                              ms: a.duration,
                              when: formatDate(lang, a.completed_at),
                            })}
                          </li>
                        ))}
                      </ol>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
