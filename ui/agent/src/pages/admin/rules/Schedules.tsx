// Business-hours schedules: the list (the first is the account's default), and an editor
// with the name, the time zone (Zendesk's zone names), the weekly hours day by day (one or
// more intervals a day: split shifts) and the holidays (name, first and last day).
// Saving: POST /business_hours/schedules (with its intervals) or PUT it then PUT
// /workweek; holidays one by one under /holidays. Errors (bad zone, overlapping or
// crossing intervals, a holiday ending before it starts) are shown next to their field.
import { useCallback, useEffect, useId, useState } from 'react';
import { api, ApiError, get, post, put } from '../../../api';
import { useI18n, type MessageKey } from '../../../i18n';
import { BASE, navigate, onLinkClick } from '../../../router';
import type { SectionProps } from '../sections';
import { FieldError } from '../../../components/FieldError';
import { ZONES } from './zones';
import { ListFrame, SaveBar } from './frame';
import './rules.css';

interface Interval {
  start_time: number;
  end_time: number;
}
interface Schedule {
  id: number;
  name: string;
  time_zone: string;
  intervals: Interval[];
}
interface Holiday {
  id: number;
  name: string;
  start_date: string;
  end_date: string;
}
interface Shift {
  start: string; // "09:00"
  end: string; // "17:00"; "00:00" as an end is midnight at the end of the day
}
interface HolidayRow {
  id: number | null;
  name: string;
  start_date: string;
  end_date: string;
  dirty: boolean;
  errors: Record<string, string>;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (s: string) => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

function toWeek(intervals: Interval[]): Shift[][] {
  const week: Shift[][] = DAYS.map(() => []);
  for (const i of intervals) {
    const day = Math.floor(i.start_time / 1440);
    if (day < 0 || day > 6) continue;
    const end = i.end_time - day * 1440;
    week[day].push({ start: hhmm(i.start_time - day * 1440), end: end >= 1440 ? '00:00' : hhmm(end) });
  }
  return week;
}

function fromWeek(week: Shift[][]): Interval[] {
  const out: Interval[] = [];
  week.forEach((shifts, day) => {
    for (const s of shifts) {
      const start = minutes(s.start);
      let end = minutes(s.end);
      if (end === 0) end = 1440;
      out.push({ start_time: day * 1440 + start, end_time: day * 1440 + end });
    }
  });
  return out;
}

export default function Schedules(props: SectionProps) {
  const path = props.path.split('/')[0];
  if (path === '') return <ScheduleList />;
  return <ScheduleEditor key={path} id={path === 'new' ? null : Number(path)} />;
}

function ScheduleList() {
  const { t } = useI18n();
  const [list, setList] = useState<Schedule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: number; text: string } | null>(null);
  const [status, setStatus] = useState('');
  const load = useCallback(async () => {
    const r = await get<{ schedules: Schedule[] }>('/api/v2/business_hours/schedules.json');
    setList(r.schedules);
  }, []);
  useEffect(() => {
    load().catch((e: Error) => setError(e.message));
  }, [load]);
  const remove = async (s: Schedule) => {
    if (!window.confirm(t('rules.confirmDelete', { title: s.name }))) return;
    try {
      await api('DELETE', `/api/v2/business_hours/schedules/${s.id}.json`);
      await load();
      setStatus(t('rules.deleted', { title: s.name }));
    } catch (e) {
      setRowError({ id: s.id, text: (e as Error).message });
    }
  };
  const hoursPerWeek = (s: Schedule) => Math.round(s.intervals.reduce((n, i) => n + i.end_time - i.start_time, 0) / 6) / 10;
  return (
    <ListFrame
      headingId="sched-heading"
      title={t('rules.schedules')}
      newHref={`${BASE}/admin/schedules/new`}
      newLabel={t('rules.new.schedule')}
      hint={t('rules.schedule.hint')}
      error={error}
      status={status}
      count={list === null ? null : list.length}
    >
      <table className="rules-table">
        <thead>
          <tr>
            <th scope="col">{t('rules.schedule.name')}</th>
            <th scope="col">{t('rules.schedule.zone')}</th>
            <th scope="col">{t('rules.schedule.hours')}</th>
            <th scope="col">{t('rules.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(list ?? []).map((s) => (
            <tr key={s.id} data-rule-id={s.id}>
              <td>
                <a href={`${BASE}/admin/schedules/${s.id}`} onClick={onLinkClick}>
                  {s.name}
                </a>
                {rowError?.id === s.id && (
                  <span className="field-error" role="alert">
                    {rowError.text}
                  </span>
                )}
              </td>
              <td>{s.time_zone}</td>
              <td>{hoursPerWeek(s)}</td>
              <td className="rule-actions">
                <button type="button" onClick={() => void remove(s)}>
                  {t('rules.delete')}
                  <span className="visually-hidden"> {s.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ListFrame>
  );
}

function fieldErrorsOf(e: unknown): { fields: Record<string, string>; general: string | null } {
  if (e instanceof ApiError) {
    const f = e.fieldErrors();
    return { fields: f, general: Object.keys(f).length ? null : e.message };
  }
  return { fields: {}, general: (e as Error).message };
}

function ScheduleEditor(props: { id: number | null }) {
  const { t } = useI18n();
  const uid = useId();
  const [loaded, setLoaded] = useState(props.id === null);
  const [name, setName] = useState('');
  const [zone, setZone] = useState('UTC');
  const [week, setWeek] = useState<Shift[][]>(() =>
    DAYS.map((_, d) => (d >= 1 && d <= 5 ? [{ start: '09:00', end: '17:00' }] : [])),
  );
  const [holidays, setHolidays] = useState<HolidayRow[]>([]);
  const [removed, setRemoved] = useState<number[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState('');
  const [createdId, setCreatedId] = useState<number | null>(null); // a new one, saved

  useEffect(() => {
    if (props.id === null) return;
    let gone = false;
    (async () => {
      try {
        const r = await get<{ schedule: Schedule }>(`/api/v2/business_hours/schedules/${props.id}.json`);
        const h = await get<{ holidays: Holiday[] }>(`/api/v2/business_hours/schedules/${props.id}/holidays.json`);
        if (gone) return;
        setName(r.schedule.name);
        setZone(r.schedule.time_zone);
        setWeek(toWeek(r.schedule.intervals));
        setHolidays(h.holidays.map((x) => ({ id: x.id, name: x.name, start_date: x.start_date, end_date: x.end_date, dirty: false, errors: {} })));
        setLoaded(true);
      } catch (e) {
        if (!gone) setLoadError(e instanceof ApiError && e.status === 404 ? t('error.notFound') : (e as Error).message);
      }
    })();
    return () => {
      gone = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t changes with the language only
  }, [props.id]);

  const setShift = (day: number, i: number, s: Shift) => setWeek(week.map((list, d) => (d === day ? list.map((x, j) => (j === i ? s : x)) : list)));
  const setHoliday = (i: number, h: Partial<HolidayRow>) => setHolidays(holidays.map((x, j) => (j === i ? { ...x, ...h, dirty: true } : x)));

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setErrors({});
    setGeneral(null);
    setSaved('');
    const intervals = fromWeek(week);
    if (intervals.some((i) => Number.isNaN(i.start_time) || Number.isNaN(i.end_time))) {
      setErrors({ intervals: t('rules.schedule.badTime') });
      setSaving(false);
      return;
    }
    let id = props.id ?? createdId;
    try {
      if (id === null) {
        const r = await post<{ schedule: Schedule }>('/api/v2/business_hours/schedules.json', { schedule: { name, time_zone: zone, intervals } });
        id = r.schedule.id;
        setCreatedId(id);
      } else {
        await put(`/api/v2/business_hours/schedules/${id}.json`, { schedule: { name, time_zone: zone } });
        await put(`/api/v2/business_hours/schedules/${id}/workweek.json`, { workweek: { intervals } });
      }
    } catch (err) {
      const { fields, general: g } = fieldErrorsOf(err);
      setErrors(fields);
      const unplaced = Object.entries(fields).filter(([k]) => !['name', 'time_zone', 'intervals'].includes(k));
      setGeneral(g ?? (unplaced.length ? unplaced.map(([, v]) => v).join(' ') : null));
      setSaving(false);
      return;
    }
    // Holidays, one by one: each row keeps its own errors.
    let failed = false;
    const next: HolidayRow[] = [];
    for (const h of holidays) {
      if (!h.dirty && h.id !== null) {
        next.push(h);
        continue;
      }
      const body = { holiday: { name: h.name, start_date: h.start_date, end_date: h.end_date } };
      try {
        const r =
          h.id === null
            ? await post<{ holiday: Holiday }>(`/api/v2/business_hours/schedules/${id}/holidays.json`, body)
            : await put<{ holiday: Holiday }>(`/api/v2/business_hours/schedules/${id}/holidays/${h.id}.json`, body);
        next.push({ id: r.holiday.id, name: r.holiday.name, start_date: r.holiday.start_date, end_date: r.holiday.end_date, dirty: false, errors: {} });
      } catch (err) {
        failed = true;
        const { fields, general: g } = fieldErrorsOf(err);
        next.push({ ...h, errors: g ? { ...fields, name: g } : fields });
      }
    }
    const stillRemoved: number[] = [];
    for (const hid of removed) {
      try {
        await api('DELETE', `/api/v2/business_hours/schedules/${id}/holidays/${hid}.json`);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) {
          failed = true;
          stillRemoved.push(hid);
          setGeneral((err as Error).message);
        }
      }
    }
    setRemoved(stillRemoved);
    setHolidays(next);
    setSaving(false);
    if (props.id === null && !failed) {
      navigate(`/admin/schedules/${id}`, true); // a new schedule: its own address
      return;
    }
    if (!failed) setSaved(t('rules.saved'));
  };

  if (loadError) return <p role="alert" className="error">{loadError}</p>;
  if (!loaded) return <p role="status">{t('app.loading')}</p>;
  const zoneKnown = ZONES.some(([rails]) => rails === zone);
  return (
    <form className="rule-editor" onSubmit={save} noValidate aria-labelledby={`${uid}-h`}>
      <p>
        <a href={`${BASE}/admin/schedules`} onClick={onLinkClick}>
          ← {t('rules.schedules')}
        </a>
      </p>
      <h1 id={`${uid}-h`}>{t(props.id ? 'rules.edit' : 'rules.create', { kind: t('rules.schedules') })}</h1>
      <label htmlFor={`${uid}-name`}>{t('rules.schedule.name')}</label>
      <input id={`${uid}-name`} type="text" value={name} onChange={(e) => setName(e.target.value)} aria-describedby={errors.name ? `${uid}-name-err` : undefined} aria-invalid={errors.name ? true : undefined} />
      <FieldError id={`${uid}-name-err`} message={errors.name} />
      <label htmlFor={`${uid}-zone`}>{t('rules.schedule.zone')}</label>
      <select id={`${uid}-zone`} value={zone} onChange={(e) => setZone(e.target.value)} aria-describedby={errors.time_zone ? `${uid}-zone-err` : undefined} aria-invalid={errors.time_zone ? true : undefined}>
        {!zoneKnown && <option value={zone}>{zone}</option>}
        {ZONES.map(([rails, iana]) => (
          <option key={rails} value={rails}>
            {rails === iana ? rails : `${rails} (${iana})`}
          </option>
        ))}
      </select>
      <FieldError id={`${uid}-zone-err`} message={errors.time_zone} />

      <fieldset className="builder week" aria-describedby={errors.intervals ? `${uid}-iv-err` : undefined}>
        <legend>{t('rules.schedule.week')}</legend>
        <p className="hint">{t('rules.schedule.weekHint')}</p>
        <FieldError id={`${uid}-iv-err`} message={errors.intervals} />
        {DAYS.map((day, d) => {
          const dayName = t(`rules.day.${day}` as MessageKey);
          return (
            <div className="day" key={day} data-day={day}>
              <h3 id={`${uid}-${day}`}>{dayName}</h3>
              {week[d].length === 0 && <p className="hint">{t('rules.schedule.closed')}</p>}
              <ul>
                {week[d].map((s, i) => (
                  <li key={i} className="shift">
                    <input type="time" aria-label={t('rules.schedule.start', { day: dayName, n: i + 1 })} value={s.start} onChange={(e) => setShift(d, i, { ...s, start: e.target.value })} />
                    <span aria-hidden="true">–</span>
                    <input type="time" aria-label={t('rules.schedule.end', { day: dayName, n: i + 1 })} value={s.end} onChange={(e) => setShift(d, i, { ...s, end: e.target.value })} />
                    <button type="button" onClick={() => setWeek(week.map((list, x) => (x === d ? list.filter((_, j) => j !== i) : list)))}>
                      {t('rules.builder.remove')}
                      <span className="visually-hidden"> {t('rules.schedule.shiftN', { day: dayName, n: i + 1 })}</span>
                    </button>
                  </li>
                ))}
              </ul>
              <button
                type="button"
                onClick={() => {
                  const last = week[d][week[d].length - 1];
                  const start = last ? Math.min(minutes(last.end) || 0, 1380) : 540;
                  setWeek(week.map((list, x) => (x === d ? [...list, { start: hhmm(start), end: hhmm(Math.min(start + 240, 1439)) }] : list)));
                }}
              >
                {t('rules.schedule.addShift', { day: dayName })}
              </button>
            </div>
          );
        })}
      </fieldset>

      <fieldset className="builder holidays">
        <legend>{t('rules.schedule.holidays')}</legend>
        {holidays.length === 0 && <p className="hint">{t('rules.schedule.noHolidays')}</p>}
        <ol className="builder-rows">
          {holidays.map((h, i) => {
            const n = i + 1;
            const err = (k: string) => h.errors[k];
            const errId = (k: string) => `${uid}-hol-${i}-${k}-err`;
            return (
              <li key={h.id ?? `new-${i}`} className="holiday" data-holiday={i}>
                <div>
                  <label htmlFor={`${uid}-hol-${i}-name`}>{t('rules.holiday.name', { n })}</label>
                  <input id={`${uid}-hol-${i}-name`} type="text" value={h.name} onChange={(e) => setHoliday(i, { name: e.target.value })} aria-describedby={err('name') ? errId('name') : undefined} aria-invalid={err('name') ? true : undefined} />
                  <FieldError id={errId('name')} message={err('name')} />
                </div>
                <div>
                  <label htmlFor={`${uid}-hol-${i}-start`}>{t('rules.holiday.start', { n })}</label>
                  <input id={`${uid}-hol-${i}-start`} type="date" value={h.start_date} onChange={(e) => setHoliday(i, { start_date: e.target.value })} aria-describedby={err('start_date') ? errId('start_date') : undefined} aria-invalid={err('start_date') ? true : undefined} />
                  <FieldError id={errId('start_date')} message={err('start_date')} />
                </div>
                <div>
                  <label htmlFor={`${uid}-hol-${i}-end`}>{t('rules.holiday.end', { n })}</label>
                  <input id={`${uid}-hol-${i}-end`} type="date" value={h.end_date} onChange={(e) => setHoliday(i, { end_date: e.target.value })} aria-describedby={err('end_date') ? errId('end_date') : undefined} aria-invalid={err('end_date') ? true : undefined} />
                  <FieldError id={errId('end_date')} message={err('end_date')} />
                </div>
                <button
                  type="button"
                  onClick={() => {
                    if (h.id !== null) setRemoved([...removed, h.id]);
                    setHolidays(holidays.filter((_, j) => j !== i));
                  }}
                >
                  {t('rules.builder.remove')}
                  <span className="visually-hidden"> {t('rules.holiday.n', { n })}</span>
                </button>
              </li>
            );
          })}
        </ol>
        <button type="button" onClick={() => setHolidays([...holidays, { id: null, name: '', start_date: '', end_date: '', dirty: true, errors: {} }])}>
          {t('rules.schedule.addHoliday')}
        </button>
      </fieldset>
      <SaveBar general={general} saving={saving} saved={saved} />
    </form>
  );
}
