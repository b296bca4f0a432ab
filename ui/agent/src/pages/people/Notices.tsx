// The notices page (/notices): the agent broadcasts addressed to me, newest first, with
// "Mark as read".
import { useCallback, useEffect, useState } from 'react';
import { ApiError, get } from '../../api';
import { BROADCASTS_CHANGED, markBroadcastRead, type Broadcast } from '../../components/Broadcasts';
import { formatDate, useI18n } from '../../i18n';
import type { PageProps } from '../routes';
import { errorText } from './common';

export default function Notices(props: PageProps) {
  const { t, lang } = useI18n();
  const [list, setList] = useState<Broadcast[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: number; message: string } | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await get<{ agent_broadcasts: Broadcast[] }>('/api/v2/agent_broadcasts?per_page=100');
      setList(r.agent_broadcasts);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) setError(errorText(t, e));
    }
  }, [t]);

  useEffect(() => {
    document.title = t('notices.title');
    void load();
    const onChanged = () => void load();
    window.addEventListener(BROADCASTS_CHANGED, onChanged);
    return () => window.removeEventListener(BROADCASTS_CHANGED, onChanged);
  }, [load, t, props.refresh]);

  const read = async (id: number) => {
    setRowError(null);
    try {
      await markBroadcastRead(id);
    } catch (e) {
      setRowError({ id, message: errorText(t, e) });
    }
  };

  return (
    <div className="people-page notices">
      <h1>{t('notices.title')}</h1>
      <p className="hint">{t('notices.intro')}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p>{t('notices.none')}</p>}
      {list && list.length > 0 && (
        <ul className="plain-list card-list">
          {list.map((b) => (
            <li key={b.id} className={b.read ? 'read' : 'unread'}>
              <article aria-labelledby={`notice-${b.id}`}>
                <h2 id={`notice-${b.id}`}>
                  {b.subject || t('notices.noSubject')}{' '}
                  {!b.read && <span className="badge warn">{t('notices.new')}</span>}
                </h2>
                <p className="muted">{formatDate(lang, b.created_at)}</p>
                <p className="prewrap">{b.message}</p>
                {!b.read && (
                  <button type="button" onClick={() => void read(b.id)}>
                    {t('notices.markRead')}
                  </button>
                )}
                {rowError?.id === b.id && (
                  <p className="field-error" role="alert">
                    {rowError.message}
                  </p>
                )}
              </article>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
