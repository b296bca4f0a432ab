// End users: a searchable list, and the CSV import. The file is read in the browser
// (csv.js), sent in batches of 100 to /users/create_or_update_many; each batch's job is
// polled (/job_statuses/{id}) for the progress bar, and the rows the API refused are
// listed at the end with their row number, email and error.
import { useRef, useState } from 'react';
import { get, post, type User } from '../../../api';
import { useI18n } from '../../../i18n';
import type { SectionProps } from '../sections';
import { Field, Loading, failureOf, useLoad } from './common';
import { batches, usersFromCsv, type CsvProblem, type CsvUser } from './csv.js';

interface EndUser extends User {
  organization_id: number | null;
  tags: string[];
  external_id: string | null;
}
interface JobResult {
  index: number;
  success?: boolean;
  status?: string;
  error?: string;
  details?: string;
}
interface JobStatus {
  id: string;
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed';
  total: number | null;
  progress: number | null;
  message: string | null;
  results: JobResult[] | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default function EndUsers(_: SectionProps) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const list = useLoad(
    () =>
      search
        ? get<{ users: EndUser[]; count?: number }>(
            `/api/v2/users/search?query=${encodeURIComponent(`role:end-user ${search}`)}&per_page=50`,
          )
        : get<{ users: EndUser[]; count?: number }>('/api/v2/users?role=end-user&per_page=50'),
    [search],
  );

  return (
    <div className="cfg">
      <h1>{t('cfg.endUsers.title')}</h1>
      <Import onDone={list.reload} />
      <h2 id="cfg-eu-list">{t('cfg.endUsers.list')}</h2>
      <form
        role="search"
        className="cfg-inline"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(query.trim());
        }}
      >
        <label htmlFor="cfg-eu-q">{t('cfg.endUsers.search')}</label>
        <input id="cfg-eu-q" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit">{t('cfg.search')}</button>
      </form>
      {!list.data ? (
        <Loading error={list.error} />
      ) : list.data.users.length === 0 ? (
        <p>{t('cfg.endUsers.none')}</p>
      ) : (
        <div className="cfg-table-wrap">
          <table className="cfg-table" aria-labelledby="cfg-eu-list">
            <thead>
              <tr>
                <th scope="col">{t('cfg.name')}</th>
                <th scope="col">{t('cfg.email')}</th>
                <th scope="col">{t('cfg.endUsers.tags')}</th>
                <th scope="col">{t('cfg.endUsers.externalId')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.users.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td className="cfg-break">{u.email}</td>
                  <td>{u.tags.join(' ')}</td>
                  <td>{u.external_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

type Phase = 'idle' | 'ready' | 'running' | 'done';

function Import(props: { onDone: () => void }) {
  const { t } = useI18n();
  const [phase, setPhase] = useState<Phase>('idle');
  const [parsed, setParsed] = useState<ReturnType<typeof usersFromCsv> | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [done, setDone] = useState(0); // rows processed
  const [report, setReport] = useState<CsvProblem[]>([]);
  const [imported, setImported] = useState(0);
  const [actionError, setActionError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  async function pick(file: File | undefined) {
    setPhase('idle');
    setParsed(null);
    setFileError(null);
    setReport([]);
    if (!file) return;
    const text = await file.text();
    const p = usersFromCsv(text);
    if (p.missing.length === 2) {
      setFileError(t('cfg.import.noColumns'));
      return;
    }
    if (p.users.length === 0) {
      setFileError(t('cfg.import.empty'));
      return;
    }
    setParsed(p);
    setPhase('ready');
  }

  async function run() {
    if (!parsed) return;
    setPhase('running');
    setActionError(null);
    setDone(0);
    const problems: CsvProblem[] = [...parsed.problems];
    let ok = 0;
    let finished = 0;
    try {
      for (const batch of batches<CsvUser>(parsed.users, 100)) {
        const { job_status } = await post<{ job_status: JobStatus }>('/api/v2/users/create_or_update_many', {
          users: batch.map((b) => b.user),
        });
        let job = job_status;
        while (job.status === 'queued' || job.status === 'working') {
          setDone(finished + Math.min(job.progress ?? 0, batch.length));
          await sleep(300);
          job = (await get<{ job_status: JobStatus }>(`/api/v2/job_statuses/${job.id}`)).job_status;
        }
        const seen = new Set<number>();
        for (const r of job.results ?? []) {
          const item = batch[r.index];
          if (!item) continue;
          seen.add(r.index);
          if (r.success === false || r.status === 'Failed') {
            problems.push({ row: item.row, email: item.email, error: r.details || r.error || 'Error' });
          } else {
            ok++;
          }
        }
        // A job that failed as a whole: its rows without a result are reported too.
        batch.forEach((item, i) => {
          if (!seen.has(i) && job.status !== 'completed') {
            problems.push({ row: item.row, email: item.email, error: job.message ?? job.status });
          } else if (!seen.has(i)) {
            ok++;
          }
        });
        finished += batch.length;
        setDone(finished);
      }
    } catch (e) {
      setActionError(failureOf(e).message ?? String(e));
    }
    problems.sort((a, b) => a.row - b.row);
    setReport(problems);
    setImported(ok);
    setPhase('done');
    props.onDone();
  }

  const total = parsed?.users.length ?? 0;
  const mapped = parsed ? Object.keys(parsed.columns).join(', ') : '';
  return (
    <section className="cfg-card" aria-labelledby="cfg-import">
      <h2 id="cfg-import">{t('cfg.import.title')}</h2>
      <p className="hint">{t('cfg.import.hint')}</p>
      <Field label={t('cfg.import.file')} error={fileError ?? undefined}>
        {(a) => (
          <input
            {...a}
            ref={fileRef}
            type="file"
            accept=".csv,text/csv"
            disabled={phase === 'running'}
            onChange={(e) => void pick(e.target.files?.[0])}
          />
        )}
      </Field>
      {parsed && (
        <p role="status">
          {t('cfg.import.found', { count: total, columns: mapped })}
          {parsed.missing.length > 0 && ` ${t('cfg.import.missing', { columns: parsed.missing.join(', ') })}`}
        </p>
      )}
      {phase === 'ready' && (
        <button className="primary" type="button" onClick={() => void run()}>
          {t('cfg.import.start', { count: total })}
        </button>
      )}
      {(phase === 'running' || phase === 'done') && (
        <div className="cfg-progress">
          <label htmlFor="cfg-import-progress">{t('cfg.import.progress')}</label>
          <progress id="cfg-import-progress" max={total} value={phase === 'done' ? total : done}>
            {done}/{total}
          </progress>
          <span aria-hidden="true">
            {phase === 'done' ? total : done}/{total}
          </span>
        </div>
      )}
      {actionError && (
        <p role="alert" className="error">
          {actionError}
        </p>
      )}
      {phase === 'done' && (
        <div className="cfg-report">
          <p role="status">{t('cfg.import.summary', { ok: imported, failed: report.length })}</p>
          {report.length > 0 && (
            <table className="cfg-table" aria-labelledby="cfg-import-report">
              <caption id="cfg-import-report">{t('cfg.import.report')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cfg.import.row')}</th>
                  <th scope="col">{t('cfg.email')}</th>
                  <th scope="col">{t('cfg.import.error')}</th>
                </tr>
              </thead>
              <tbody>
                {report.map((p) => (
                  <tr key={p.row}>
                    <td>{p.row}</td>
                    <td className="cfg-break">{p.email || t('value.none')}</td>
                    <td>{p.error === 'NoNameNorEmail' ? t('cfg.import.noNameNorEmail') : p.error}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
