// The requester's other tickets (GET /users/{id}/tickets/requested), linked.
import { useEffect, useState } from 'react';
import { get, type Ticket } from '../../api';
import { useI18n, type MessageKey } from '../../i18n';
import { BASE, onLinkClick } from '../../router';

export function RequesterTickets(props: { requesterId: number; ticketId: number; headingId: string }) {
  const { t } = useI18n();
  const [list, setList] = useState<Ticket[] | null>(null);
  useEffect(() => {
    get<{ tickets: Ticket[] }>(`/api/v2/users/${props.requesterId}/tickets/requested?per_page=10&sort_by=updated_at&sort_order=desc`)
      .then((r) => setList(r.tickets.filter((x) => x.id !== props.ticketId)))
      .catch(() => setList([]));
  }, [props.requesterId, props.ticketId]);
  return (
    <section className="requester-tickets" aria-labelledby={props.headingId}>
      <h3 id={props.headingId}>{t('tk.otherTickets')}</h3>
      {list && list.length === 0 && <p className="muted">{t('tk.noOtherTickets')}</p>}
      {list && list.length > 0 && (
        <ul>
          {list.map((x) => (
            <li key={x.id}>
              <a href={`${BASE}/tickets/${x.id}`} onClick={onLinkClick}>
                #{x.id} {x.subject}
              </a>{' '}
              <span className={`badge status-${x.status}`}>{t(`status.${x.status}` as MessageKey)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
