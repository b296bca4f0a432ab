import { api } from '../api';
import { useI18n } from '../i18n';

// Ends the session on the server (DELETE /api/v2/users/me/logout drops the cookie).
export function SignOutButton(props: { onSignedOut: () => void }) {
  const { t } = useI18n();
  const signOut = async () => {
    try {
      await api('DELETE', '/api/v2/users/me/logout');
    } catch {
      // Already signed out (401) or offline: the local state is cleared all the same.
    }
    props.onSignedOut();
  };
  return (
    <button type="button" className="link" onClick={signOut}>
      {t('signout')}
    </button>
  );
}
