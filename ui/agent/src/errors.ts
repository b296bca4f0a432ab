// The message of an error from the API or the network, in the user's language where we
// know it (403, 404, the connection); the server's own message otherwise.
import { ApiError, NetworkError } from './api';
import type { Translate } from './i18n';

export function errorText(t: Translate, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 403) return t('error.forbidden');
    if (e.status === 404) return t('error.notFound');
    return t('error.generic', { message: e.message });
  }
  if (e instanceof NetworkError || e instanceof TypeError) return t('error.network');
  return t('error.generic', { message: String(e) });
}
