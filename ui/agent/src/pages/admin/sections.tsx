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
export const sections: AdminSection[] = [
  { id: 'agents', label: 'cfg.section.agents', group: 'people', render: (p) => <Cfg.Agents {...p} /> },
  { id: 'end-users', label: 'cfg.section.endUsers', group: 'people', render: (p) => <Cfg.EndUsers {...p} /> },
  { id: 'groups', label: 'cfg.section.groups', group: 'people', render: (p) => <Cfg.Groups {...p} /> },
  { id: 'organizations', label: 'cfg.section.orgs', group: 'people', render: (p) => <Cfg.Organizations {...p} /> },
  { id: 'ticket-fields', label: 'cfg.section.fields', group: 'objects', render: (p) => <Cfg.TicketFields {...p} /> },
  { id: 'ticket-forms', label: 'cfg.section.forms', group: 'objects', render: (p) => <Cfg.TicketForms {...p} /> },
  { id: 'webhooks', label: 'cfg.section.webhooks', group: 'channels', render: (p) => <Cfg.Webhooks {...p} /> },
  { id: 'email', label: 'cfg.section.email', group: 'channels', render: (p) => <Cfg.EmailSettings {...p} /> },
  { id: 'api-tokens', label: 'cfg.section.tokens', group: 'account', render: (p) => <Cfg.ApiTokens {...p} /> },
  { id: 'broadcasts', label: 'cfg.section.broadcasts', group: 'account', render: (p) => <Cfg.Broadcasts {...p} /> },
];
