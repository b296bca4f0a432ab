import { useEffect, useState, useSyncExternalStore } from 'react';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { navigate, type Location } from '../router';

// The search box of the header. The results page (/search?q=…) reports a query the
// server could not parse (400 with its position) through this little store, so that
// the error is shown under the box itself.
export interface QueryError {
  query: string;
  position: number; // 0-based, as the server counts
  message: string; // the server's words
}

let current: QueryError | null = null;
const listeners = new Set<() => void>();
export function setQueryError(e: QueryError | null) {
  current = e;
  for (const l of listeners) l();
}
function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

// The server's parse message in the user's language (the known ones; others as they are).
export function parseMessage(t: Translate, message: string): string {
  const known = `search.parse.${message}` as MessageKey;
  const text = t(known);
  if (text !== known) return text;
  const missing = /^missing value after (.+)$/.exec(message);
  if (missing) return t('search.parse.missing value after', { key: missing[1] });
  return message;
}

export function SearchBox(props: { loc: Location }) {
  const { t } = useI18n();
  const onSearch = props.loc.path === '/search';
  const q = onSearch ? (props.loc.query.get('q') ?? '') : '';
  const [text, setText] = useState(q);
  const error = useSyncExternalStore(subscribe, () => current);
  useEffect(() => setText(q), [q]);
  useEffect(() => {
    if (!onSearch) setQueryError(null);
  }, [onSearch]);
  const shown = error && onSearch && error.query === q ? error : null;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const query = text.trim();
    if (!query) return;
    navigate(`/search?q=${encodeURIComponent(query)}`);
  };

  const pos = shown ? Math.max(0, Math.min(shown.position, shown.query.length)) : 0;
  return (
    <form role="search" className="searchbox" onSubmit={submit}>
      <label htmlFor="search-box" className="visually-hidden">
        {t('search.label')}
      </label>
      <input
        id="search-box"
        type="search"
        value={text}
        placeholder={t('search.placeholder')}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
        }}
        aria-invalid={shown ? true : undefined}
        aria-describedby={shown ? 'search-error' : undefined}
        autoComplete="off"
        enterKeyHint="search"
      />
      <button type="submit">{t('search.submit')}</button>
      {shown && (
        <p id="search-error" className="search-error" role="alert">
          {t('search.badQuery', { position: pos + 1, message: parseMessage(t, shown.message) })}
          <code className="search-where" aria-hidden="true">
            {shown.query.slice(0, pos)}
            <mark>{shown.query.slice(pos, pos + 1) || ' '}</mark>
            {shown.query.slice(pos + 1)}
          </code>
        </p>
      )}
    </form>
  );
}
