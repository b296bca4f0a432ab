// The fields of the Zendesk objects the ticket page uses beyond api.ts's shared subsets.
import type { Attachment, Comment, Ticket } from '../../api';

export interface SlaMetric {
  metric: string;
  stage: 'active' | 'paused' | 'achieved' | 'breached';
  breach_at: string | null;
  remaining_minutes: number | null;
}

export type FullTicket = Ticket & {
  email_cc_ids?: number[];
  follower_ids?: number[];
  ticket_form_id?: number | null;
  custom_fields?: { id: number; value: unknown }[];
  slas?: { policy_metrics: SlaMetric[] };
};

export type FullComment = Comment & { attachments?: Attachment[] };

export interface TicketField {
  id: number;
  type: string;
  title: string;
  title_in_portal?: string;
  description?: string;
  active: boolean;
  required?: boolean;
  removable?: boolean;
  custom_field_options?: { id: number; name: string; value: string }[];
}

export interface TicketForm {
  id: number;
  name: string;
  display_name?: string;
  active: boolean;
  default: boolean;
  ticket_field_ids: number[];
}

export interface Person {
  id: number;
  name: string;
  email: string | null;
  role?: string;
}
