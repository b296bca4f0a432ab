// "Forgot password": /password/forgot asks the e-mail (POST /access/password_reset: the
// same answer whether an account uses it or not); the e-mailed link opens
// /password/reset?token=… which sets a new password (POST /access/password_reset/confirm;
// the password policy's errors are shown next to the field), then back to sign in.
// Both pages work signed out (App shows them before deciding on the session).
import { useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import { LanguagePicker } from '../components/LanguagePicker';
import { useI18n } from '../i18n';
import { BASE, match, navigate, onLinkClick, type Location } from '../router';
import './people/people.css';

export function isPasswordPath(path: string): boolean {
  return match('/password/forgot', path) !== null || match('/password/reset', path) !== null;
}

interface ErrorBody {
  description?: string;
  details?: Record<string, { description?: string }[]>;
}

// Through api(): a browser that is signed in (a session cookie) needs the CSRF token on
// a POST, which api() sends and renews; signed out, nothing is needed.
async function postJson(url: string, body: unknown): Promise<{ status: number; json: ErrorBody | null }> {
  try {
    await api('POST', url, body);
    return { status: url.endsWith('/confirm') ? 204 : 202, json: null };
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, json: e.body as ErrorBody | null };
    throw e;
  }
}

const detail = (b: ErrorBody | null, field: string) =>
  b?.details?.[field]?.map((d) => d.description ?? '').join(' ') || null;

export function PasswordPages(props: { loc: Location }) {
  return match('/password/reset', props.loc.path) ? (
    <ResetPassword token={props.loc.query.get('token') ?? ''} />
  ) : (
    <ForgotPassword />
  );
}

function ForgotPassword() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = t('password.forgotTitle');
    ref.current?.focus();
  }, [t]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFieldError(null);
    setError(null);
    try {
      const r = await postJson('/access/password_reset', { email });
      if (r.status === 202) setSent(true);
      else if (r.status === 422) setFieldError(detail(r.json, 'email') ?? t('password.badEmail'));
      else if (r.status === 429) setError(t('password.tooMany'));
      else setError(t('error.generic', { message: `HTTP ${r.status}` }));
    } catch {
      setError(t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <form className="signin-card" onSubmit={submit} noValidate>
        <h1>{t('password.forgotTitle')}</h1>
        {sent ? (
          <p className="notice" role="status">
            {t('password.sent', { email })}
          </p>
        ) : (
          <>
            <p className="hint">{t('password.forgotIntro')}</p>
            <label htmlFor="forgot-email">{t('signin.email')}</label>
            <input
              id="forgot-email"
              ref={ref}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? 'forgot-email-error' : undefined}
            />
            {fieldError && (
              <span id="forgot-email-error" className="field-error" role="alert">
                {fieldError}
              </span>
            )}
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="primary" disabled={busy || email.trim() === ''}>
              {busy ? t('password.sending') : t('password.send')}
            </button>
          </>
        )}
        <p className="signin-links">
          <a href={`${BASE}/signin`} onClick={onLinkClick}>
            {t('password.backToSignIn')}
          </a>
        </p>
        <LanguagePicker />
      </form>
    </main>
  );
}

function ResetPassword(props: { token: string }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ password?: string; again?: string; token?: string; base?: string }>({});
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = t('password.resetTitle');
    ref.current?.focus();
  }, [t]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (password !== again) {
      setErrors({ again: t('password.mismatch') });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const r = await postJson('/access/password_reset/confirm', { token: props.token, password });
      if (r.status === 204) {
        navigate('/signin?password_reset=1', true);
        return;
      }
      if (r.status === 422) {
        const tokenError = detail(r.json, 'token');
        setErrors({
          password: detail(r.json, 'password') ?? undefined,
          token: tokenError ? t('password.badToken') : undefined,
          base: !tokenError && !detail(r.json, 'password') ? (r.json?.description ?? `HTTP 422`) : undefined,
        });
      } else {
        setErrors({ base: t('error.generic', { message: `HTTP ${r.status}` }) });
      }
    } catch {
      setErrors({ base: t('error.network') });
    } finally {
      setBusy(false);
    }
  };

  const described = (id: string, err?: string) => [id === 'reset-password' ? 'reset-policy' : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <main id="main" className="signin">
      <form className="signin-card" onSubmit={submit} noValidate>
        <h1>{t('password.resetTitle')}</h1>
        {!props.token || errors.token ? (
          <div role="alert" className="error">
            <p>{t('password.badToken')}</p>
          </div>
        ) : null}
        {(!props.token || errors.token) && (
          <p>
            <a href={`${BASE}/password/forgot`} onClick={onLinkClick}>
              {t('password.askAgain')}
            </a>
          </p>
        )}
        {props.token && !errors.token && (
          <>
            <label htmlFor="reset-password">{t('password.new')}</label>
            <input
              id="reset-password"
              ref={ref}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={errors.password ? true : undefined}
              aria-describedby={described('reset-password', errors.password)}
            />
            <p id="reset-policy" className="hint">
              {t('password.policy')}
            </p>
            {errors.password && (
              <span id="reset-password-error" className="field-error" role="alert">
                {errors.password}
              </span>
            )}
            <label htmlFor="reset-again">{t('password.again')}</label>
            <input
              id="reset-again"
              type="password"
              autoComplete="new-password"
              value={again}
              onChange={(e) => setAgain(e.target.value)}
              aria-invalid={errors.again ? true : undefined}
              aria-describedby={described('reset-again', errors.again)}
            />
            {errors.again && (
              <span id="reset-again-error" className="field-error" role="alert">
                {errors.again}
              </span>
            )}
            {errors.base && (
              <p className="error" role="alert">
                {errors.base}
              </p>
            )}
            <button type="submit" className="primary" disabled={busy || password === ''}>
              {busy ? t('ticket.submitting') : t('password.set')}
            </button>
          </>
        )}
        <LanguagePicker />
      </form>
    </main>
  );
}
