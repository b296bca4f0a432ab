// Single-key shortcuts: when they apply. A key typed in a field, with a modifier, or
// while a modal dialog is open belongs to that field or dialog.
export function isTyping(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
  }
  return false;
}

export function shortcutApplies(e: KeyboardEvent): boolean {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return false;
  if (isTyping(e.target)) return false;
  if (document.querySelector('dialog[open]')) return false;
  return true;
}
