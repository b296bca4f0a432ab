// Email (SMTP) settings: the outgoing server, the support address and the templates. The
// password is write-only: the API says only whether one is set; a blank field keeps it.
import { useEffect, useState } from 'react';
import { get, put } from '../../../api';
import { useI18n } from '../../../i18n';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, failureOf, noFailure, useLoad, type Failure } from './common';

interface Settings {
  smtp_host: string;
  smtp_port: number;
  security: 'none' | 'starttls' | 'tls';
  username: string;
  password_set: boolean;
  support_address: string;
  from_name: string;
  html_template: string;
  text_template: string;
}

export default function EmailSettings(_: SectionProps) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => get<{ email_settings: Settings }>('/api/v2/comptoir/email_settings'), []);
  const [form, setForm] = useState<(Omit<Settings, 'smtp_port' | 'password_set'> & { smtp_port: string; password: string; clearPassword: boolean }) | null>(null);
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (!data) return;
    const s = data.email_settings;
    setForm({ ...s, smtp_port: String(s.smtp_port || ''), password: '', clearPassword: false });
  }, [data]);
  if (!data || !form) return <Loading error={error} />;
  const s = data.email_settings;

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!form) return;
    setFailure(noFailure);
    setDone(null);
    const body: Record<string, unknown> = {
      smtp_host: form.smtp_host,
      smtp_port: form.smtp_port === '' ? undefined : Number.isInteger(Number(form.smtp_port)) ? Number(form.smtp_port) : form.smtp_port,
      security: form.security,
      username: form.username,
      support_address: form.support_address,
      from_name: form.from_name,
      html_template: form.html_template,
      text_template: form.text_template,
    };
    if (form.password) body.password = form.password;
    else if (form.clearPassword) body.password = '';
    try {
      await put('/api/v2/comptoir/email_settings', { email_settings: body });
      setDone(t('cfg.saved'));
      reload();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  const set = (k: 'smtp_host' | 'smtp_port' | 'security' | 'username' | 'password' | 'support_address' | 'from_name' | 'html_template' | 'text_template') =>
    (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setForm({ ...form, [k]: e.target.value });

  return (
    <div className="cfg">
      <h1>{t('cfg.email.title')}</h1>
      <Outcome done={done} />
      <form className="cfg-form" onSubmit={(e) => void save(e)} aria-label={t('cfg.email.title')}>
        <div className="cfg-row">
          <Field label={t('cfg.email.host')} error={failure.fields.smtp_host}>
            {(a) => <input {...a} type="text" value={form.smtp_host} onChange={set('smtp_host')} />}
          </Field>
          <Field label={t('cfg.email.port')} error={failure.fields.smtp_port}>
            {(a) => <input {...a} type="text" inputMode="numeric" value={form.smtp_port} onChange={set('smtp_port')} />}
          </Field>
          <Field label={t('cfg.email.security')} error={failure.fields.security}>
            {(a) => (
              <select {...a} value={form.security} onChange={set('security')}>
                <option value="none">{t('cfg.email.securityNone')}</option>
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS</option>
              </select>
            )}
          </Field>
        </div>
        <div className="cfg-row">
          <Field label={t('cfg.email.username')} error={failure.fields.username}>
            {(a) => <input {...a} type="text" autoComplete="off" value={form.username} onChange={set('username')} />}
          </Field>
          <Field
            label={t('cfg.email.password')}
            hint={s.password_set ? t('cfg.email.passwordSet') : t('cfg.email.passwordUnset')}
            error={failure.fields.password}
          >
            {(a) => <input {...a} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
          </Field>
        </div>
        {s.password_set && (
          <label className="cfg-check">
            <input type="checkbox" checked={form.clearPassword} onChange={(e) => setForm({ ...form, clearPassword: e.target.checked })} />{' '}
            {t('cfg.email.clearPassword')}
          </label>
        )}
        <div className="cfg-row">
          <Field label={t('cfg.email.address')} error={failure.fields.support_address}>
            {(a) => <input {...a} type="email" value={form.support_address} onChange={set('support_address')} />}
          </Field>
          <Field label={t('cfg.email.fromName')} error={failure.fields.from_name}>
            {(a) => <input {...a} type="text" value={form.from_name} onChange={set('from_name')} />}
          </Field>
        </div>
        <Field label={t('cfg.email.html')} hint={t('cfg.email.templateHint')} error={failure.fields.html_template}>
          {(a) => <textarea {...a} rows={5} className="cfg-code" value={form.html_template} onChange={set('html_template')} />}
        </Field>
        <Field label={t('cfg.email.text')} hint={t('cfg.email.templateHint')} error={failure.fields.text_template}>
          {(a) => <textarea {...a} rows={4} className="cfg-code" value={form.text_template} onChange={set('text_template')} />}
        </Field>
        <Outcome failure={failure} />
        <button className="primary" type="submit">
          {t('cfg.save')}
        </button>
      </form>
    </div>
  );
}
