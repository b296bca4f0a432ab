// The configuration pages of the admin center, each loaded on demand (sections.tsx lists them).
import { lazy } from 'react';

export const Agents = lazy(() => import('./Agents'));
export const EndUsers = lazy(() => import('./EndUsers'));
export const Groups = lazy(() => import('./Groups'));
export const Organizations = lazy(() => import('./Organizations'));
export const TicketFields = lazy(() => import('./TicketFields'));
export const TicketForms = lazy(() => import('./TicketForms'));
export const Webhooks = lazy(() => import('./Webhooks'));
export const ApiTokens = lazy(() => import('./ApiTokens'));
export const EmailSettings = lazy(() => import('./EmailSettings'));
export const Broadcasts = lazy(() => import('./Broadcasts'));
