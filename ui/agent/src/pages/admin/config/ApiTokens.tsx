// API tokens: the list, a new token (its value shown once, right after creation), revoking.
import { useState } from 'react';
import { api, get, post } from '../../../api';
import { formatDate, useI18n } from '../../../i18n';
import type { SectionProps } from '../sections';
import { Field, Loading, Outcome, confirmed, failureOf, noFailure, useLoad, type Failure } from './common';

interface ApiToken {
  id: number;
  description: string;
  active: boolean;
  user_id: number;
  created_at?: string;
  token?: string;
}

export default function ApiTokens(_: SectionProps) {
  const { t, lang } = useI18n();
  const { data, error, reload } = useLoad(() => get<{ api_tokens: ApiToken[] }>('/api/v2/api_tokens'), []);
  const [description, setDescription] = useState('');
  const [fresh, setFresh] = useState<ApiToken | null>(null);
  const [failure, setFailure] = useState<Failure>(noFailure);
  const [rowFailure, setRowFailure] = useState<Failure>(noFailure);
  const [done, setDone] = useState<string | null>(null);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    setFailure(noFailure);
    setDone(null);
    try {
      const r = await post<{ api_token: ApiToken }>('/api/v2/api_tokens', { api_token: { description } });
      setFresh(r.api_token);
      setDescription('');
      reload();
    } catch (err) {
      setFailure(failureOf(err));
    }
  }
  async function revoke(tok: ApiToken) {
    if (!confirmed(t('cfg.tokens.confirmRevoke', { name: tok.description || `#${tok.id}` }))) return;
    setRowFailure(noFailure);
    try {
      await api('DELETE', `/api/v2/api_tokens/${tok.id}`);
      if (fresh?.id === tok.id) setFresh(null);
      setDone(t('cfg.tokens.revoked', { name: tok.description || `#${tok.id}` }));
      reload();
    } catch (err) {
      setRowFailure(failureOf(err));
    }
  }

  return (
    <div className="cfg">
      <h1>{t('cfg.tokens.title')}</h1>
      <p className="hint">{t('cfg.tokens.hint')}</p>
      <form className="cfg-form" onSubmit={(e) => void create(e)} aria-labelledby="cfg-tokens-new">
        <h2 id="cfg-tokens-new">{t('cfg.tokens.new')}</h2>
        <Field label={t('cfg.description')} error={failure.fields.description}>
          {(a) => <input {...a} type="text" required value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Outcome failure={failure} />
        <button className="primary" type="submit">
          {t('cfg.create')}
        </button>
      </form>
      {fresh?.token && (
        <div className="cfg-card cfg-once" role="status">
          <p>
            <strong>{t('cfg.tokens.once', { name: fresh.description })}</strong>
          </p>
          <label htmlFor="cfg-token-value">{t('cfg.tokens.value')}</label>
          <input id="cfg-token-value" className="cfg-secret" type="text" readOnly value={fresh.token} />
          <button type="button" onClick={() => setFresh(null)}>
            {t('cfg.tokens.copied')}
          </button>
        </div>
      )}
      <Outcome failure={rowFailure} done={done} />
      <h2 id="cfg-tokens-list">{t('cfg.tokens.list')}</h2>
      {!data ? (
        <Loading error={error} />
      ) : data.api_tokens.length === 0 ? (
        <p>{t('cfg.tokens.none')}</p>
      ) : (
        <div className="cfg-table-wrap">
          <table className="cfg-table" aria-labelledby="cfg-tokens-list">
            <thead>
              <tr>
                <th scope="col">{t('cfg.description')}</th>
                <th scope="col">{t('cfg.tokens.created')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('cfg.tokens.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.api_tokens.map((tok) => (
                <tr key={tok.id}>
                  <td>{tok.description || `#${tok.id}`}</td>
                  <td>{tok.created_at ? formatDate(lang, tok.created_at) : ''}</td>
                  <td>
                    <button type="button" className="danger" onClick={() => void revoke(tok)}>
                      {t('cfg.tokens.revoke', { name: tok.description || `#${tok.id}` })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
