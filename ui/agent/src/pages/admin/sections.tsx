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
const Rules = lazy(() => import('./rules/RulesSection'));
const SlaPolicies = lazy(() => import('./rules/SlaPolicies'));
const Schedules = lazy(() => import('./rules/Schedules'));
export const sections: AdminSection[] = [
  { id: 'triggers', label: 'rules.triggers', group: 'rules', render: (p) => <Rules {...p} kind="trigger" /> },
  { id: 'automations', label: 'rules.automations', group: 'rules', render: (p) => <Rules {...p} kind="automation" /> },
  { id: 'views', label: 'rules.views', group: 'rules', render: (p) => <Rules {...p} kind="view" /> },
  { id: 'macros', label: 'rules.macros', group: 'rules', render: (p) => <Rules {...p} kind="macro" /> },
  { id: 'slas', label: 'rules.slas', group: 'rules', render: (p) => <SlaPolicies {...p} /> },
  { id: 'schedules', label: 'rules.schedules', group: 'rules', render: (p) => <Schedules {...p} /> },
];
