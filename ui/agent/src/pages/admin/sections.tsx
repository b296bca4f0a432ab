// The admin center's sections: one line each. `path` is what follows /admin/<id>/ in the
// address ("" on the section's first page, "12" or "new" below it). Sections load on demand.
import { lazy, type ReactNode } from 'react';
import type { MessageKey } from '../../i18n';
import type { PageProps } from '../routes';
import * as Cfg from './config/lazy';

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
  { id: 'agents', label: 'cfg.section.agents', group: 'people', render: (p) => <Cfg.Agents {...p} /> },
  { id: 'end-users', label: 'cfg.section.endUsers', group: 'people', render: (p) => <Cfg.EndUsers {...p} /> },
  { id: 'groups', label: 'cfg.section.groups', group: 'people', render: (p) => <Cfg.Groups {...p} /> },
  { id: 'organizations', label: 'cfg.section.orgs', group: 'people', render: (p) => <Cfg.Organizations {...p} /> },
  { id: 'ticket-fields', label: 'cfg.section.fields', group: 'objects', render: (p) => <Cfg.TicketFields {...p} /> },
  { id: 'ticket-forms', label: 'cfg.section.forms', group: 'objects', render: (p) => <Cfg.TicketForms {...p} /> },
  { id: 'triggers', label: 'rules.triggers', group: 'rules', render: (p) => <Rules {...p} kind="trigger" /> },
  { id: 'automations', label: 'rules.automations', group: 'rules', render: (p) => <Rules {...p} kind="automation" /> },
  { id: 'views', label: 'rules.views', group: 'rules', render: (p) => <Rules {...p} kind="view" /> },
  { id: 'macros', label: 'rules.macros', group: 'rules', render: (p) => <Rules {...p} kind="macro" /> },
  { id: 'slas', label: 'rules.slas', group: 'rules', render: (p) => <SlaPolicies {...p} /> },
  { id: 'schedules', label: 'rules.schedules', group: 'rules', render: (p) => <Schedules {...p} /> },
  { id: 'webhooks', label: 'cfg.section.webhooks', group: 'channels', render: (p) => <Cfg.Webhooks {...p} /> },
  { id: 'email', label: 'cfg.section.email', group: 'channels', render: (p) => <Cfg.EmailSettings {...p} /> },
  { id: 'api-tokens', label: 'cfg.section.tokens', group: 'account', render: (p) => <Cfg.ApiTokens {...p} /> },
  { id: 'broadcasts', label: 'cfg.section.broadcasts', group: 'account', render: (p) => <Cfg.Broadcasts {...p} /> },
];
