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
const SearchPage = lazy(() => import('../queue/SearchPage'));
const UserProfile = lazy(() => import('./people/UserProfile'));
const OrganizationPage = lazy(() => import('./people/OrganizationPage'));
const GroupList = lazy(() => import('./people/Groups').then((m) => ({ default: m.GroupList })));
const GroupPage = lazy(() => import('./people/Groups').then((m) => ({ default: m.GroupPage })));
const Notices = lazy(() => import('./people/Notices'));
const NewTicket = lazy(() => import('./ticket/NewTicket'));

export const routes: PageRoute[] = [
  { pattern: '/admin', render: (p) => <AdminCenter {...p} /> },
  { pattern: '/admin/*', render: (p) => <AdminCenter {...p} /> },
  { pattern: '/search', render: (p) => <SearchPage {...p} /> },
  { pattern: '/users/{id}', render: (p) => <UserProfile key={p.params.id} {...p} /> },
  { pattern: '/organizations/{id}', render: (p) => <OrganizationPage key={p.params.id} {...p} /> },
  { pattern: '/groups', render: (p) => <GroupList {...p} /> },
  { pattern: '/groups/{id}', render: (p) => <GroupPage key={p.params.id} {...p} /> },
  { pattern: '/notices', render: (p) => <Notices {...p} /> },
  { pattern: '/tickets/new', render: (p) => <NewTicket {...p} /> },
];
