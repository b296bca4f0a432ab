// A small history-API router: the app's routes live under /agent/ (BASE) and the
// server answers every such path with index.html.
import { useEffect, useState } from 'react';

export const BASE = '/agent';

export function navigate(to: string, replace = false) {
  const url = to.startsWith(BASE) ? to : BASE + to;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event('comptoir:navigate'));
}

export interface Location {
  path: string; // without BASE: "/views/3"
  query: URLSearchParams;
}

function current(): Location {
  let path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  if (path === '') path = '/';
  return { path, query: new URLSearchParams(location.search) };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    window.addEventListener('popstate', update);
    window.addEventListener('comptoir:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('comptoir:navigate', update);
    };
  }, []);
  return loc;
}

// "/views/{id}" against "/views/12" → {id: "12"}; null when it does not match. A last
// segment "*" takes the rest of the path (possibly empty): "/admin/*" against
// "/admin/triggers/3" → {"*": "triggers/3"}.
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length > 0 && p[p.length - 1] === '*') {
    const head = match('/' + p.slice(0, -1).join('/'), '/' + s.slice(0, p.length - 1).join('/'));
    if (!head || s.length < p.length - 1) return null;
    return { ...head, '*': s.slice(p.length - 1).join('/') };
  }
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith('{')) out[p[i].slice(1, -1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}

// Link: a real <a href> (middle-click, screen readers) that navigates in the app.
export function onLinkClick(e: React.MouseEvent<HTMLAnchorElement>) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href') ?? '/');
}
