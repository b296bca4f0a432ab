import { useEffect, useRef } from 'react';
import { useI18n, type MessageKey } from '../i18n';
import { shortcutApplies } from './keys';
import './queue.css';

// The workspace-wide shortcuts (? the sheet, / the search box, g v the views) and the
// sheet listing every shortcut: a modal <dialog> (Esc closes it; focus returns to where
// it was). The table's own keys (j/k, x, ...) are handled by the view table.
const SHEET: { keys: string[][]; what: MessageKey }[] = [
  { keys: [['?']], what: 'keys.help' },
  { keys: [['/']], what: 'keys.search' },
  { keys: [['g', 'v']], what: 'keys.views' },
  { keys: [['j'], ['↓']], what: 'keys.down' },
  { keys: [['k'], ['↑']], what: 'keys.up' },
  { keys: [['Enter']], what: 'keys.enter' },
  { keys: [['x'], ['Space']], what: 'keys.select' },
  { keys: [['Shift', 'x']], what: 'keys.selectAll' },
  { keys: [['b']], what: 'keys.bulk' },
  { keys: [['['], [']']], what: 'keys.pages' },
  { keys: [['Esc']], what: 'keys.escape' },
  { keys: [['Tab'], ['Shift', 'Tab']], what: 'keys.tab' },
];

export function focusSearch() {
  const box = document.getElementById('search-box') as HTMLInputElement | null;
  box?.focus();
  box?.select();
}

export function Shortcuts() {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const pendingG = useRef(0);

  const open = () => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!shortcutApplies(e)) return;
      const now = Date.now();
      if (e.key === '?') {
        e.preventDefault();
        open();
      } else if (e.key === '/') {
        e.preventDefault();
        focusSearch();
      } else if (e.key === 'g') {
        pendingG.current = now;
      } else if (e.key === 'v' && now - pendingG.current < 1500) {
        pendingG.current = 0;
        const links = Array.from(document.querySelectorAll<HTMLAnchorElement>('.sidebar a[href*="/views/"]'));
        const target = links.find((a) => a.getAttribute('aria-current') === 'page') ?? links[0];
        if (target) {
          e.preventDefault();
          target.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <button type="button" className="keys-button" onClick={open} aria-haspopup="dialog">
        <span aria-hidden="true">?</span>
        <span className="visually-hidden">{t('keys.open')}</span>
      </button>
      <dialog ref={dialog} className="shortcut-sheet" aria-labelledby="shortcut-title">
        <div className="sheet-head">
          <h2 id="shortcut-title">{t('keys.title')}</h2>
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            {t('keys.close')}
          </button>
        </div>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('keys.key')}</th>
              <th scope="col">{t('keys.action')}</th>
            </tr>
          </thead>
          <tbody>
            {SHEET.map((s) => (
              <tr key={s.what}>
                <td>
                  {s.keys.map((combo, i) => (
                    <span key={i}>
                      {i > 0 && ` ${t('keys.or')} `}
                      {combo.map((k, j) => (
                        <span key={j}>
                          {j > 0 && (combo[0] === 'g' ? ` ${t('keys.then')} ` : ' + ')}
                          <kbd>{k}</kbd>
                        </span>
                      ))}
                    </span>
                  ))}
                </td>
                <td>{t(s.what)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </dialog>
    </>
  );
}
