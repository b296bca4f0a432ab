// Every message catalogue of the app. The core catalogue is en.ts/fr.ts; each area of the
// app (people, admin, ...) keeps its strings in its own file made with defineMessages and
// is registered here by one line, so that areas grow without touching each other.
// An area file: `export const people = defineMessages({...en}, {...fr})` (./define).
import { en as coreEn } from './en';
import { fr as coreFr } from './fr';
import { queue } from './queue';
import { people } from './people';
import { ticket } from './ticket';
import { adminRules } from './adminRules';
import { adminConfig } from './adminConfig';

// Areas: one import above and one line here each.
const areas = [
  queue,
  people,
  ticket,
  adminRules,
  adminConfig,
] as const;

type KeysOf<T> = T extends { en: infer E } ? keyof E : never; // distributes over the areas
type AreaKeys = KeysOf<(typeof areas)[number]>;
export type MessageKey = keyof typeof coreEn | AreaKeys;

function merge(lang: 'en' | 'fr'): Record<MessageKey, string> {
  const out: Record<string, string> = { ...(lang === 'en' ? coreEn : coreFr) };
  for (const a of areas as readonly { en: Record<string, string>; fr: Record<string, string> }[]) {
    Object.assign(out, a[lang]);
  }
  return out as Record<MessageKey, string>;
}

export const catalogues: Record<'en' | 'fr', Record<MessageKey, string>> = {
  en: merge('en'),
  fr: merge('fr'),
};
