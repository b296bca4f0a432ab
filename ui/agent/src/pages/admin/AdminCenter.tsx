// The admin center: its sections (sections.tsx) grouped in a navigation list, and the
// section the address names. Agents who are not admins see only the sections open to them.
import { Suspense } from 'react';
import { useI18n, type MessageKey } from '../../i18n';
import { BASE, onLinkClick } from '../../router';
import type { PageProps } from '../routes';
import { sections, type AdminSection } from './sections';

const groups: { id: AdminSection['group']; label: MessageKey }[] = [
  { id: 'people', label: 'admin.group.people' },
  { id: 'objects', label: 'admin.group.objects' },
  { id: 'rules', label: 'admin.group.rules' },
  { id: 'channels', label: 'admin.group.channels' },
  { id: 'account', label: 'admin.group.account' },
];

export default function AdminCenter(props: PageProps) {
  const { t } = useI18n();
  const rest = (props.params['*'] ?? '').split('/');
  const visible = sections.filter((s) => props.user.role === 'admin' || s.adminOnly === false);
  const current = visible.find((s) => s.id === rest[0]);
  return (
    <div className="admin-center">
      <nav className="admin-nav" aria-labelledby="admin-heading">
        <h2 id="admin-heading">{t('admin.heading')}</h2>
        {groups.map((g) => {
          const items = visible.filter((s) => s.group === g.id);
          if (items.length === 0) return null;
          return (
            <section key={g.id} aria-labelledby={`admin-group-${g.id}`}>
              <h3 id={`admin-group-${g.id}`}>{t(g.label)}</h3>
              <ul>
                {items.map((s) => (
                  <li key={s.id}>
                    <a
                      href={`${BASE}/admin/${s.id}`}
                      onClick={onLinkClick}
                      aria-current={s.id === current?.id ? 'page' : undefined}
                    >
                      {t(s.label)}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </nav>
      <div className="admin-section">
        {current ? (
          <Suspense
            fallback={
              <p className="loading" role="status">
                {t('app.loading')}
              </p>
            }
          >
            {current.render({ ...props, path: rest.slice(1).join('/') })}
          </Suspense>
        ) : rest[0] ? (
          <p role="alert">{t('admin.notFound')}</p>
        ) : (
          <p>{t('admin.choose')}</p>
        )}
      </div>
    </div>
  );
}
