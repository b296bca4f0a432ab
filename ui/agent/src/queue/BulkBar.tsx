import { useEffect, useRef, useState } from 'react';
import { ApiError, TICKET_PRIORITIES, TICKET_STATUSES, get, put, type Group, type Macro, type MacroResult, type User } from '../api';
import { useI18n, type MessageKey } from '../i18n';

// The bulk edit bar of a view: the changes for the selected tickets, sent as one
// PUT /api/v2/tickets/update_many (ids=… with one ticket object, or a tickets list when
// a macro computes each ticket's changes), then the job's progress polled from
// /api/v2/job_statuses/{id} and the result of every ticket.

interface JobResult {
  index: number;
  id?: number;
  success?: boolean;
  status?: string;
  error?: string;
  details?: string;
}
interface JobStatus {
  id: string;
  total: number;
  progress: number | null;
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed';
  message: string | null;
  results: JobResult[] | null;
}

// A ticket never goes back to "new".
const STATUSES = TICKET_STATUSES.filter((s) => s !== 'new');
const KEEP = '';
const NONE = 'none';

const words = (s: string) => s.split(/[\s,]+/).filter(Boolean);
const sleep = (ms: number) => new Promise((r) => window.setTimeout(r, ms));

export function BulkBar(props: { ids: number[]; onDone: (failed: number[]) => void }) {
  const { t } = useI18n();
  const [agents, setAgents] = useState<User[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [macros, setMacros] = useState<Macro[]>([]);
  const [f, setF] = useState({ status: KEEP, priority: KEEP, assignee: KEEP, group: KEEP, add: '', remove: '', macro: KEEP });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<{ ids: number[]; status: JobStatus } | null>(null);
  const resultsRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    Promise.all([
      get<{ users: User[] }>('/api/v2/users?role[]=agent&role[]=admin&per_page=100'),
      get<{ groups: Group[] }>('/api/v2/groups?per_page=100'),
      get<{ macros: Macro[] }>('/api/v2/macros/active?per_page=100'),
    ])
      .then(([u, g, m]) => {
        setAgents(u.users);
        setGroups(g.groups);
        setMacros(m.macros);
      })
      .catch(() => {});
  }, []);

  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setF({ ...f, [k]: e.target.value });

  // The changes common to every ticket.
  const common = (): Record<string, unknown> => {
    const c: Record<string, unknown> = {};
    if (f.status) c.status = f.status;
    if (f.priority) c.priority = f.priority === NONE ? null : f.priority;
    if (f.assignee) c.assignee_id = f.assignee === NONE ? null : Number(f.assignee);
    if (f.group) c.group_id = f.group === NONE ? null : Number(f.group);
    return c;
  };

  const apply = async (e: React.FormEvent) => {
    e.preventDefault();
    const ids = [...props.ids];
    const add = words(f.add);
    const remove = words(f.remove);
    const base = common();
    if (Object.keys(base).length === 0 && add.length === 0 && remove.length === 0 && !f.macro) {
      setError(t('bulk.nothing'));
      return;
    }
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      let started: { job_status: JobStatus };
      if (!f.macro) {
        const ticket: Record<string, unknown> = { ...base };
        if (add.length) ticket.additional_tags = add;
        if (remove.length) ticket.remove_tags = remove;
        started = await put(`/api/v2/tickets/update_many?ids=${ids.join(',')}`, { ticket });
      } else {
        // The macro's changes differ per ticket (its tags and comment build on each one).
        const tickets = await Promise.all(
          ids.map(async (id) => {
            try {
              const r = await get<MacroResult>(`/api/v2/tickets/${id}/macros/${f.macro}/apply`);
              const m = r.result.ticket;
              const out: Record<string, unknown> = { id };
              for (const k of ['status', 'priority', 'type', 'assignee_id', 'group_id'] as const) {
                if (m[k] !== undefined) out[k] = m[k];
              }
              if (m.comment?.body) out.comment = { body: m.comment.body, public: m.comment.public };
              Object.assign(out, base);
              if (m.tags) {
                const tags = new Set([...m.tags, ...add]);
                for (const x of remove) tags.delete(x);
                out.tags = [...tags];
              } else {
                if (add.length) out.additional_tags = add;
                if (remove.length) out.remove_tags = remove;
              }
              return out;
            } catch (err) {
              throw new Error(t('bulk.macroFailed', { id, message: (err as Error).message }));
            }
          }),
        );
        started = await put('/api/v2/tickets/update_many', { tickets });
      }
      let status = started.job_status;
      setJob({ ids, status });
      resultsRef.current?.focus();
      while (status.status === 'queued' || status.status === 'working') {
        await sleep(400);
        status = (await get<{ job_status: JobStatus }>(`/api/v2/job_statuses/${status.id}`)).job_status;
        setJob({ ids, status });
      }
      const failed = (status.results ?? []).filter((r) => r.success === false).map((r) => ids[r.index]);
      setF({ status: KEEP, priority: KEEP, assignee: KEEP, group: KEEP, add: '', remove: '', macro: KEEP });
      props.onDone(failed);
    } catch (err) {
      setError(err instanceof ApiError ? t('error.generic', { message: err.message }) : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const s = job?.status;
  const done = s ? (s.status === 'completed' || s.status === 'failed' ? s.total : (s.progress ?? 0)) : 0;
  const results = s && (s.status === 'completed' || s.status === 'failed') ? (s.results ?? []) : null;
  const failures = results ? results.filter((r) => r.success === false) : [];

  return (
    <>
      {props.ids.length > 0 && (
        <form className="bulk-bar" onSubmit={apply} aria-labelledby="bulk-heading" id="bulk-bar">
          <h2 id="bulk-heading">{t('bulk.heading')}</h2>
          <div className="bulk-fields">
            <div>
              <label htmlFor="bulk-status">{t('bulk.status')}</label>
              <select id="bulk-status" value={f.status} onChange={set('status')}>
                <option value={KEEP}>{t('bulk.keep')}</option>
                {STATUSES.map((x) => (
                  <option key={x} value={x}>
                    {t(`status.${x}` as MessageKey)}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="bulk-priority">{t('bulk.priority')}</label>
              <select id="bulk-priority" value={f.priority} onChange={set('priority')}>
                <option value={KEEP}>{t('bulk.keep')}</option>
                {TICKET_PRIORITIES.map((x) => (
                  <option key={x} value={x}>
                    {t(`priority.${x}` as MessageKey)}
                  </option>
                ))}
                <option value={NONE}>{t('bulk.none')}</option>
              </select>
            </div>
            <div>
              <label htmlFor="bulk-assignee">{t('bulk.assignee')}</label>
              <select id="bulk-assignee" value={f.assignee} onChange={set('assignee')}>
                <option value={KEEP}>{t('bulk.keep')}</option>
                <option value={NONE}>{t('bulk.unassigned')}</option>
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="bulk-group">{t('bulk.group')}</label>
              <select id="bulk-group" value={f.group} onChange={set('group')}>
                <option value={KEEP}>{t('bulk.keep')}</option>
                <option value={NONE}>{t('bulk.none')}</option>
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="bulk-add">{t('bulk.addTags')}</label>
              <input id="bulk-add" type="text" value={f.add} onChange={set('add')} aria-describedby="bulk-tags-hint" />
            </div>
            <div>
              <label htmlFor="bulk-remove">{t('bulk.removeTags')}</label>
              <input
                id="bulk-remove"
                type="text"
                value={f.remove}
                onChange={set('remove')}
                aria-describedby="bulk-tags-hint"
              />
            </div>
            <div>
              <label htmlFor="bulk-macro">{t('bulk.macro')}</label>
              <select id="bulk-macro" value={f.macro} onChange={set('macro')}>
                <option value={KEEP}>{t('bulk.none')}</option>
                {macros.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.title}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p className="hint" id="bulk-tags-hint">
            {t('bulk.tagsHint')}
          </p>
          <div className="bulk-actions">
            <button type="submit" className="primary" disabled={busy} aria-describedby={error ? 'bulk-error' : undefined}>
              {busy
                ? t('bulk.applying')
                : props.ids.length === 1
                  ? t('bulk.applyOne')
                  : t('bulk.apply', { count: props.ids.length })}
            </button>
            {error && (
              <p id="bulk-error" className="error" role="alert">
                {error}
              </p>
            )}
          </div>
        </form>
      )}
      {s && job && (
        <div className="bulk-job" ref={resultsRef} tabIndex={-1} aria-labelledby="bulk-progress-label">
          <p id="bulk-progress-label">{t('bulk.progress')}</p>
          <progress
            max={Math.max(1, s.total)}
            value={done}
            aria-labelledby="bulk-progress-label"
            aria-valuetext={t('bulk.progressText', { done, total: s.total })}
            data-job-status={s.status}
          />
          <p role="status" className="bulk-summary">
            {s.status === 'failed'
              ? t('bulk.failedJob', { message: s.message ?? '' })
              : results
                ? failures.length
                  ? t('bulk.doneErrors', { ok: s.total - failures.length, total: s.total, failed: failures.length })
                  : t('bulk.done', { ok: s.total, total: s.total })
                : t('bulk.progressText', { done, total: s.total })}
          </p>
          {results && results.length > 0 && (
            <details open={failures.length > 0}>
              <summary>{t('bulk.results')}</summary>
              <ul className="bulk-results">
                {results.map((r) => {
                  const id = r.id ?? job.ids[r.index];
                  return (
                    <li key={r.index} className={r.success === false ? 'failed' : 'ok'} data-ticket={id}>
                      {r.success === false
                        ? t('bulk.resultFail', { id, message: r.details || r.error || '' })
                        : t('bulk.resultOk', { id })}
                    </li>
                  );
                })}
              </ul>
            </details>
          )}
          {results && (
            <button type="button" onClick={() => setJob(null)}>
              {t('bulk.dismiss')}
            </button>
          )}
        </div>
      )}
    </>
  );
}
