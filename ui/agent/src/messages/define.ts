// English is the reference; the French catalogue must have every English key (the
// compiler refuses a missing one).
export function defineMessages<const E extends Record<string, string>>(
  en: E,
  fr: Record<keyof E, string>,
): { en: E; fr: Record<keyof E, string> } {
  return { en, fr };
}
