// The workspace's pages besides a view and a ticket (which Workspace.tsx shows itself):
// one line per page, matched in order against the path (router.match patterns). Large
// areas are loaded on demand (React.lazy) so that the first load stays small.
import { lazy, type ReactNode } from 'react';
import type { User } from '../api';
import type { Location } from '../router';

export interface PageProps {
  user: User;
  loc: Location;
  params: Record<string, string>; // from the pattern
  refresh: number; // bumped by live events: pages refetch
  changedTicket: { id: number; n: number } | null; // the last ticket a live event named
}

export interface PageRoute {
  pattern: string;
  render: (p: PageProps) => ReactNode;
}

const AdminCenter = lazy(() => import('./admin/AdminCenter'));
const NewTicket = lazy(() => import('./ticket/NewTicket'));

export const routes: PageRoute[] = [
  { pattern: '/admin', render: (p) => <AdminCenter {...p} /> },
  { pattern: '/admin/*', render: (p) => <AdminCenter {...p} /> },
  { pattern: '/tickets/new', render: (p) => <NewTicket {...p} /> },
];
