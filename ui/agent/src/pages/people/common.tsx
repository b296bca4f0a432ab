// Pieces shared by the people pages (users, organizations, groups, notices).
import { useId } from 'react';
import { formatDate, useI18n, type MessageKey } from '../../i18n';
import { BASE, onLinkClick } from '../../router';
import './people.css';

export interface TicketRow {
  id: number;
  subject: string;
  status: string;
  updated_at: string;
}

export { errorText } from '../../errors';

export { FieldError } from '../../components/FieldError';

export function Link(props: { to: string; children: React.ReactNode; className?: string }) {
  return (
    <a href={`${BASE}${props.to}`} onClick={onLinkClick} className={props.className}>
      {props.children}
    </a>
  );
}

export function TicketTable(props: { tickets: TicketRow[] | null; caption: string; empty: string }) {
  const { t, lang } = useI18n();
  const hid = useId();
  if (props.tickets === null) return null;
  return (
    <section className="people-block" aria-labelledby={hid}>
      <h2 id={hid}>{props.caption}</h2>
      {props.tickets.length === 0 && <p>{props.empty}</p>}
      {props.tickets.length > 0 && (
      <table className="people-table" aria-labelledby={hid}>
        <thead>
          <tr>
            <th scope="col">{t('column.nice_id')}</th>
            <th scope="col">{t('column.subject')}</th>
            <th scope="col">{t('column.status')}</th>
            <th scope="col">{t('column.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {props.tickets.map((tk) => (
            <tr key={tk.id}>
              <td data-label={t('column.nice_id')}>#{tk.id}</td>
              <td data-label={t('column.subject')}>
                <Link to={`/tickets/${tk.id}`}>{tk.subject || t('people.noSubject')}</Link>
              </td>
              <td data-label={t('column.status')}>{t(`status.${tk.status}` as MessageKey)}</td>
              <td data-label={t('column.updated')}>{formatDate(lang, tk.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      )}
    </section>
  );
}
