// The workspace header's people pieces: links to the groups and the notices (with the
// count of unread broadcasts), a banner for the oldest unread agent broadcast with
// "Mark as read", and browser notifications for tickets assigned to me — permission is
// asked from a button, never on load; the live channel's ticket events say who the
// assignee is, and the ticket's last audit says whether it was just assigned to me.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, get, type User } from '../api';
import { useI18n } from '../i18n';
import { LIVE_EVENT, type LiveEvent } from '../live';
import { BASE, navigate, onLinkClick } from '../router';
import '../pages/people/people.css';

export interface Broadcast {
  id: number;
  subject: string;
  message: string;
  read: boolean;
  created_at: string;
}

// Pages that change what is read dispatch this so that the header refreshes.
export const BROADCASTS_CHANGED = 'comptoir:broadcasts';

export async function markBroadcastRead(id: number): Promise<void> {
  await api('PUT', `/api/v2/agent_broadcasts/${id}/read`);
  window.dispatchEvent(new Event(BROADCASTS_CHANGED));
}

interface AuditLite {
  id: number;
  author_id: number;
  events: { type: string; field_name?: string; value?: unknown }[];
}

const notificationsSupported = () => typeof window !== 'undefined' && 'Notification' in window;

export function PeopleHeader(props: { user: User }) {
  const { t } = useI18n();
  const [broadcasts, setBroadcasts] = useState<Broadcast[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [permission, setPermission] = useState<string>(() =>
    notificationsSupported() ? Notification.permission : 'unsupported',
  );

  const load = useCallback(async () => {
    try {
      const r = await get<{ agent_broadcasts: Broadcast[] }>('/api/v2/agent_broadcasts?per_page=100');
      setBroadcasts(r.agent_broadcasts);
    } catch {
      /* the banner stays as it was; a 401 is handled globally */
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), 60000);
    const onChanged = () => void load();
    // A broadcast sent now arrives on the live channel; "resync" after a reconnection.
    const onLive = (e: Event) => {
      const type = (e as CustomEvent<LiveEvent>).detail?.type;
      if (type === 'broadcast' || type === 'resync') void load();
    };
    window.addEventListener(BROADCASTS_CHANGED, onChanged);
    window.addEventListener(LIVE_EVENT, onLive);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(BROADCASTS_CHANGED, onChanged);
      window.removeEventListener(LIVE_EVENT, onLive);
    };
  }, [load]);

  // Tickets assigned to me: a browser notification (when permitted).
  const tRef = useRef(t);
  tRef.current = t;
  useEffect(() => {
    const assignee = new Map<number, number | null>();
    const notified = new Set<number>(); // audit ids
    const onLive = (ev: Event) => {
      const e = (ev as CustomEvent<LiveEvent>).detail;
      if (!e.ticket_id || !e.type.startsWith('ticket.') || e.type === 'ticket.deleted') return;
      const id = e.ticket_id;
      const before = assignee.get(id);
      assignee.set(id, e.assignee_id ?? null);
      if (e.assignee_id !== props.user.id || before === props.user.id) return;
      if (!notificationsSupported() || Notification.permission !== 'granted') return;
      void (async () => {
        try {
          const [au, tk] = await Promise.all([
            get<{ audits: AuditLite[] }>(`/api/v2/tickets/${id}/audits?per_page=100`),
            get<{ ticket: { id: number; subject: string } }>(`/api/v2/tickets/${id}`),
          ]);
          const last = au.audits[au.audits.length - 1];
          if (!last || notified.has(last.id) || last.author_id === props.user.id) return;
          const assigned = last.events.some(
            (x) => x.field_name === 'assignee_id' && String(x.value) === String(props.user.id),
          );
          if (!assigned) return;
          notified.add(last.id);
          const n = new Notification(tRef.current('notify.assigned', { id }), {
            body: tk.ticket.subject,
            tag: `comptoir-ticket-${id}`,
          });
          n.onclick = () => {
            window.focus();
            navigate(`/tickets/${id}`);
            n.close();
          };
        } catch {
          /* no notification: the ticket is still in the views */
        }
      })();
    };
    window.addEventListener(LIVE_EVENT, onLive);
    return () => window.removeEventListener(LIVE_EVENT, onLive);
  }, [props.user.id]);

  const askPermission = async () => {
    if (!notificationsSupported()) return;
    setPermission(await Notification.requestPermission());
  };

  const unread = broadcasts.filter((b) => !b.read);
  // The oldest unread first: the banner goes through them in order.
  const current = unread.length > 0 ? unread[unread.length - 1] : null;

  const markRead = async () => {
    if (!current) return;
    setBusy(true);
    setError(null);
    try {
      await markBroadcastRead(current.id);
    } catch {
      setError(t('notices.markFailed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <nav className="people-nav" aria-label={t('people.nav')}>
        <a href={`${BASE}/groups`} onClick={onLinkClick}>
          {t('groups.title')}
        </a>
        <a href={`${BASE}/notices`} onClick={onLinkClick}>
          {t('notices.title')}
          {unread.length > 0 && (
            <span className="unread-count" aria-label={t('notices.unread', { count: unread.length })}>
              {unread.length}
            </span>
          )}
        </a>
      </nav>
      {permission === 'default' && (
        <button type="button" className="link" onClick={() => void askPermission()}>
          {t('notify.enable')}
        </button>
      )}
      {current && (
        <section className="broadcast-banner" aria-labelledby={`broadcast-${current.id}`} data-broadcast={current.id}>
          <div className="broadcast-text">
            <h2 id={`broadcast-${current.id}`}>{current.subject || t('notices.noSubject')}</h2>
            <p>{current.message}</p>
          </div>
          <div className="broadcast-actions">
            <button type="button" onClick={() => void markRead()} disabled={busy}>
              {t('notices.markRead')}
            </button>
            {unread.length > 1 && (
              <a href={`${BASE}/notices`} onClick={onLinkClick}>
                {t('notices.more', { count: unread.length - 1 })}
              </a>
            )}
          </div>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </section>
      )}
    </>
  );
}
