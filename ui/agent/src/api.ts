// The public Zendesk-compatible API, as the browser calls it: same origin, the session
// cookie, and the session's CSRF token in X-CSRF-Token on every unsafe request.
// A 401 means the session is gone (expired or signed out elsewhere): onUnauthenticated
// sends the user to the sign-in page and back.

export interface ApiErrorBody {
  error?: string | { title?: string; message?: string };
  description?: string;
  details?: Record<string, { description?: string; error?: string }[]>;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: ApiErrorBody | null,
  ) {
    super(ApiError.describe(status, body));
  }
  static describe(status: number, body: ApiErrorBody | null): string {
    if (body?.description) return body.description;
    if (typeof body?.error === 'object' && body.error?.message) return body.error.message;
    if (typeof body?.error === 'string') return body.error;
    return `HTTP ${status}`;
  }
  // Per-field messages of a 422 RecordInvalid ("status" → "is invalid").
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, list] of Object.entries(this.body?.details ?? {})) {
      out[k] = list.map((d) => d.description ?? d.error ?? '').join(' ');
    }
    return out;
  }
}

export class NetworkError extends Error {}

const CSRF_KEY = 'comptoir.csrf';
let csrfToken: string | null = sessionStorage.getItem(CSRF_KEY);
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string | null) {
  csrfToken = token;
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

export function setUnauthenticatedHandler(fn: () => void) {
  onUnauthenticated = fn;
}

async function renewCsrfToken(): Promise<void> {
  const r = await fetch('/api/v2/users/me/session/renew', {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  });
  if (!r.ok) throw new ApiError(r.status, null);
  const body = (await r.json()) as { authenticity_token: string };
  setCsrfToken(body.authenticity_token);
}

async function send(method: string, url: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new NetworkError(String(e));
  }
}

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  let r = await send(method, url, body);
  if (r.status === 403 && method !== 'GET') {
    // The token may be missing (a new tab) or renewed elsewhere: get a fresh one, retry once.
    const text = await r.clone().text();
    if (text.includes('CSRF')) {
      await renewCsrfToken();
      r = await send(method, url, body);
    }
  }
  if (r.status === 401) {
    onUnauthenticated();
    throw new ApiError(401, null);
  }
  if (r.status === 204) return undefined as T;
  let parsed: unknown = null;
  try {
    parsed = await r.json();
  } catch {
    parsed = null;
  }
  if (!r.ok) throw new ApiError(r.status, parsed as ApiErrorBody);
  return parsed as T;
}

export const get = <T>(url: string) => api<T>('GET', url);
export const put = <T>(url: string, body: unknown) => api<T>('PUT', url, body);
export const post = <T>(url: string, body: unknown) => api<T>('POST', url, body);

// --- Shapes used by the screens (subsets of the Zendesk objects) ---

export type Role = 'end-user' | 'agent' | 'admin';

export interface User {
  id: number;
  name: string;
  email: string | null;
  role: Role;
  locale?: string;
}

export interface View {
  id: number;
  title: string;
  active: boolean;
  position: number;
}

export interface ViewCount {
  view_id: number;
  value: number | null;
  pretty: string;
  fresh: boolean;
}

export interface Column {
  id: string | number;
  title: string;
}

export interface Row {
  ticket: { id: number; subject: string; status: string; priority: string | null; type: string | null };
  [column: string]: unknown;
}

export interface Execution {
  view: { id: number; title: string; execution: { sort_by: string; sort_order: 'asc' | 'desc' } };
  rows: Row[];
  columns: Column[];
  users: { id: number; name: string }[];
  groups: { id: number; name: string }[];
  organizations: { id: number; name: string }[];
  count: number;
  next_page: string | null;
  previous_page: string | null;
}

// The values an agent may set (Zendesk's; "closed" is reached by automations only).
export const TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;

export interface Ticket {
  id: number;
  subject: string;
  status: string;
  priority: string | null;
  type: string | null;
  requester_id: number;
  assignee_id: number | null;
  group_id: number | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}

export interface Comment {
  id: number;
  author_id: number;
  body: string;
  html_body?: string;
  public: boolean;
  created_at: string;
}

export interface AuditEvent {
  id: number;
  type: string;
  field_name?: string;
  value?: unknown;
  previous_value?: unknown;
  body?: string;
  public?: boolean;
}

export interface Audit {
  id: number;
  author_id: number;
  created_at: string;
  events: AuditEvent[];
}

export interface Group {
  id: number;
  name: string;
}

export interface Macro {
  id: number;
  title: string;
  active: boolean;
}

export interface MacroResult {
  result: {
    ticket: Partial<Ticket> & { comment?: { body: string; html_body?: string; public: boolean } };
  };
}

export interface Request {
  id: number;
  subject: string;
  status: string;
  updated_at: string;
}

// --- Uploads (POST /api/v2/uploads?filename=…: the body is the file itself) ---

export interface Attachment {
  id: number;
  file_name: string;
  content_url: string;
  content_type: string;
  size: number;
  inline?: boolean;
  thumbnails?: { content_url: string }[];
}

export async function uploadFile(file: File): Promise<{ token: string; attachment: Attachment }> {
  const url = `/api/v2/uploads?filename=${encodeURIComponent(file.name)}`;
  const go = () => {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Content-Type': file.type || 'application/octet-stream',
    };
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    return fetch(url, { method: 'POST', headers, credentials: 'same-origin', body: file }).catch((e) => {
      throw new NetworkError(String(e));
    });
  };
  let r = await go();
  if (r.status === 403 && (await r.clone().text()).includes('CSRF')) {
    await renewCsrfToken();
    r = await go();
  }
  if (r.status === 401) {
    onUnauthenticated();
    throw new ApiError(401, null);
  }
  let parsed: unknown = null;
  try {
    parsed = await r.json();
  } catch {
    parsed = null;
  }
  if (!r.ok) throw new ApiError(r.status, parsed as ApiErrorBody);
  return (parsed as { upload: { token: string; attachment: Attachment } }).upload;
}
