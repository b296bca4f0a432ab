// The admin center's sections: one line each. `path` is what follows /admin/<id>/ in the
// address ("" on the section's first page, "12" or "new" below it). Sections load on demand.
import { lazy, type ReactNode } from 'react';
import type { MessageKey } from '../../i18n';
import type { PageProps } from '../routes';

export interface SectionProps extends PageProps {
  path: string;
}

export interface AdminSection {
  id: string; // the address: /admin/<id>
  label: MessageKey;
  group: 'people' | 'objects' | 'rules' | 'channels' | 'account';
  adminOnly?: boolean; // default true; false: agents see it too
  render: (p: SectionProps) => ReactNode;
}

// Each line: { id, label, group, render: (p) => <Lazy {...p} /> } with
// const Lazy = lazy(() => import('./Something')).
void lazy;
export const sections: AdminSection[] = [];
