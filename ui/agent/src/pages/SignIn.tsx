import { useEffect, useRef, useState } from 'react';
import type { User } from '../api';
import { LanguagePicker } from '../components/LanguagePicker';
import { useI18n } from '../i18n';
import { BASE, onLinkClick } from '../router';

// Email and password → POST /access/login, which sets the HttpOnly session cookie and
// answers the user and the session's CSRF token.
export function SignIn(props: {
  onSignedIn: (u: User, csrf: string) => void;
  expired: boolean;
  signedOut: boolean;
}) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${t('signin.title')}`;
    emailRef.current?.focus();
  }, [t]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await fetch('/access/login', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (r.ok) {
        const body = (await r.json()) as { user: User; csrf_token: string };
        props.onSignedIn(body.user, body.csrf_token);
        return;
      }
      if (r.status === 401 || r.status === 403 || r.status === 422) setError(t('signin.failed'));
      else setError(t('error.generic', { message: `HTTP ${r.status}` }));
    } catch {
      setError(t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <form className="signin-card" method="post" action="/access/login" onSubmit={submit} noValidate={false}>
        <h1>{t('signin.title')}</h1>
        {props.expired && !error && (
          <p className="notice" role="status">
            {t('signin.expired')}
          </p>
        )}
        {new URLSearchParams(location.search).get('password_reset') === '1' && !error && (
          <p className="notice" role="status">
            {t('password.changed')}
          </p>
        )}
        {props.signedOut && !props.expired && !error && (
          <p className="notice" role="status">
            {t('signin.signedOut')}
          </p>
        )}
        <label htmlFor="signin-email">{t('signin.email')}</label>
        <input
          id="signin-email"
          ref={emailRef}
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'signin-error' : undefined}
        />
        <label htmlFor="signin-password">{t('signin.password')}</label>
        <input
          id="signin-password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'signin-error' : undefined}
        />
        {error && (
          <p id="signin-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('signin.busy') : t('signin.submit')}
        </button>
        <p className="signin-links">
          <a href={`${BASE}/password/forgot`} onClick={onLinkClick}>
            {t('password.forgotLink')}
          </a>
        </p>
        <LanguagePicker />
      </form>
    </main>
  );
}
