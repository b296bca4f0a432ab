// Agent broadcasts: the composer (subject, message, the groups it addresses: every agent
// when none is ticked), every broadcast sent (?scope=all), deleting one.
import { useState } from 'react';
import { api, get, post, type Group } from '../../../api';
import { formatDate, useI18n } from '../../../i18n';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, confirmed, failureOf, noFailure, useLoad, type Failure } from './common';

interface Broadcast {
  id: number;
  subject: string;
  message: string;
  group_ids: number[];
  created_at: string;
}

export default function Broadcasts(_: SectionProps) {
  const { t, lang } = useI18n();
  const { data, error, reload } = useLoad(
    () =>
      Promise.all([
        get<{ agent_broadcasts: Broadcast[] }>('/api/v2/agent_broadcasts?scope=all&per_page=50'),
        get<{ groups: Group[] }>('/api/v2/groups?per_page=100'),
      ]),
    [],
  );
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const [groups, setGroups] = useState<number[]>([]);
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [rowFailure, setRowFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);
  if (!data) return <Loading error={error} />;
  const [{ agent_broadcasts: list }, { groups: allGroups }] = data;
  const groupName = new Map(allGroups.map((g) => [g.id, g.name]));

  async function send(e: React.FormEvent) {
    e.preventDefault();
    setFailure(noFailure);
    setDone(null);
    try {
      await post('/api/v2/agent_broadcasts', { agent_broadcast: { subject, message, group_ids: groups } });
      setDone(t('cfg.broadcasts.sent'));
      setSubject('');
      setMessage('');
      setGroups([]);
      reload();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  async function remove(b: Broadcast) {
    if (!confirmed(t('cfg.broadcasts.confirmDelete', { name: b.subject }))) return;
    setRowFailure(noFailure);
    try {
      await api('DELETE', `/api/v2/agent_broadcasts/${b.id}`);
      setDone(t('cfg.broadcasts.deleted', { name: b.subject }));
      reload();
    } catch (err) {
      setRowFailure(failureOf(err));
    }
  }

  return (
    <div className="cfg">
      <h1>{t('cfg.broadcasts.title')}</h1>
      <form className="cfg-form" onSubmit={(e) => void send(e)} aria-labelledby="cfg-bc-new">
        <h2 id="cfg-bc-new">{t('cfg.broadcasts.new')}</h2>
        <Field label={t('cfg.broadcasts.subject')} error={failure.fields.subject}>
          {(a) => <input {...a} type="text" value={subject} onChange={(e) => setSubject(e.target.value)} />}
        </Field>
        <Field label={t('cfg.broadcasts.message')} error={failure.fields.message}>
          {(a) => <textarea {...a} rows={4} value={message} onChange={(e) => setMessage(e.target.value)} />}
        </Field>
        <fieldset className="cfg-choices">
          <legend>{t('cfg.broadcasts.groups')}</legend>
          <p className="hint">{t('cfg.broadcasts.groupsHint')}</p>
          {failure.fields.group_ids && <span className="field-error">{failure.fields.group_ids}</span>}
          {allGroups.map((g) => (
            <label key={g.id} className="cfg-check">
              <input
                type="checkbox"
                checked={groups.includes(g.id)}
                onChange={(e) => setGroups(e.target.checked ? [...groups, g.id] : groups.filter((x) => x !== g.id))}
              />{' '}
              {g.name}
            </label>
          ))}
        </fieldset>
        <Outcome failure={failure} />
        <button className="primary" type="submit">
          {t('cfg.broadcasts.send')}
        </button>
      </form>
      <Outcome failure={rowFailure} done={done} />
      <h2>{t('cfg.broadcasts.list')}</h2>
      {list.length === 0 ? (
        <p>{t('cfg.broadcasts.none')}</p>
      ) : (
        <ul className="cfg-list cfg-broadcasts">
          {list.map((b) => (
            <li key={b.id}>
              <article aria-label={b.subject}>
                <h3>{b.subject}</h3>
                <p className="hint">
                  {formatDate(lang, b.created_at)} —{' '}
                  {b.group_ids.length === 0
                    ? t('cfg.broadcasts.everyone')
                    : b.group_ids.map((g) => groupName.get(g) ?? `#${g}`).join(', ')}
                </p>
                <p className="cfg-pre">{b.message}</p>
                <button type="button" className="danger" onClick={() => void remove(b)}>
                  {t('cfg.broadcasts.delete', { name: b.subject })}
                </button>
              </article>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
