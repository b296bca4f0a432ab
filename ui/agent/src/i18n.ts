// Message catalogues (messages/index.ts: the core en.ts/fr.ts and one file per area) and
// the current language.
// The language: the one the user picked (kept in localStorage), else the signed-in
// user's locale, else the browser's.
import { createContext, useContext } from 'react';
import { catalogues, type MessageKey } from './messages/index';

export type Lang = 'en' | 'fr';
export const LANGS: { id: Lang; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'fr', name: 'Français' },
];

export function pickLang(...candidates: (string | null | undefined)[]): Lang {
  for (const c of candidates) {
    if (!c) continue;
    const base = c.toLowerCase().split(/[-_]/)[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const cat = catalogues[lang];
  return (key, vars) => {
    const text = cat[key] ?? catalogues.en[key] ?? key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  };
}

// One formatter per language: building an Intl.DateTimeFormat costs far more than using
// it, and a view of 100 rows formats a few hundred dates.
const dateFormats = new Map<Lang, Intl.DateTimeFormat>();

export function formatDate(lang: Lang, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let f = dateFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    dateFormats.set(lang, f);
  }
  return f.format(d);
}

export const I18n = createContext<{ lang: Lang; t: Translate; setLang: (l: Lang) => void }>({
  lang: 'en',
  t: translator('en'),
  setLang: () => {},
});
export const useI18n = () => useContext(I18n);
export type { MessageKey };
