import { useEffect, useState } from 'react';
import { get, type Request, type User } from '../api';
import { LanguagePicker } from '../components/LanguagePicker';
import { SignOutButton } from '../components/SignOut';
import { formatDate, useI18n, type MessageKey } from '../i18n';

// The end user's side: their requests (GET /api/v2/requests). Comptoir has no help
// center yet; this page stands in for it so that an end user never sees the workspace.
export function Requests(props: { user: User; onSignedOut: () => void }) {
  const { t, lang } = useI18n();
  const [requests, setRequests] = useState<Request[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = t('requests.title');
    get<{ requests: Request[] }>('/api/v2/requests?sort_by=updated_at&sort_order=desc')
      .then((r) => setRequests(r.requests))
      .catch((e: Error) => setError(e.message));
  }, [t]);
  return (
    <div className="enduser">
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <span className="who">{t('app.signedInAs', { name: props.user.name })}</span>
        <LanguagePicker />
        <SignOutButton onSignedOut={props.onSignedOut} />
      </header>
      <main id="main" className="requests">
        <h1>{t('requests.title')}</h1>
        <p>{t('requests.intro')}</p>
        {error && (
          <p className="error" role="alert">
            {t('error.generic', { message: error })}
          </p>
        )}
        {requests && requests.length === 0 && <p>{t('requests.none')}</p>}
        {requests && requests.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('requests.subject')}</th>
                <th scope="col">{t('requests.status')}</th>
                <th scope="col">{t('requests.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id}>
                  <td>{r.subject}</td>
                  <td>{t(`status.${r.status}` as MessageKey)}</td>
                  <td>{formatDate(lang, r.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}
