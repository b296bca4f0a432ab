import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, get, setCsrfToken, setUnauthenticatedHandler, type User } from './api';
import { I18n, pickLang, translator, type Lang } from './i18n';
import { BASE, match, navigate, useLocation } from './router';
import { SignIn } from './pages/SignIn';
import { Workspace } from './pages/Workspace';
import { Requests } from './pages/Requests';
import { isPasswordPath, PasswordPages } from './pages/Password';

const LANG_KEY = 'comptoir.lang';

// Where a signed-in user belongs: agents and admins work in the workspace; end users go
// to their requests (the help-center side), never to the workspace.
export function homeOf(user: User): string {
  return user.role === 'end-user' ? '/requests' : '/';
}

export function App() {
  const loc = useLocation();
  const [user, setUser] = useState<User | null | undefined>(undefined); // undefined: loading
  const [chosenLang, setChosenLang] = useState<string | null>(() => localStorage.getItem(LANG_KEY));
  const lang: Lang = pickLang(chosenLang, user?.locale, navigator.language);
  const i18n = useMemo(
    () => ({
      lang,
      t: translator(lang),
      setLang: (l: Lang) => {
        localStorage.setItem(LANG_KEY, l);
        setChosenLang(l);
      },
    }),
    [lang],
  );

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const loadMe = useCallback(async () => {
    try {
      const me = await get<{ user: User }>('/api/v2/users/me');
      setUser(me.user.id === null ? null : me.user);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setUser(null);
      else setUser(null);
    }
  }, []);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);

  // A 401 from any call: the session expired. Back to the sign-in page, then back here.
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setUser(null);
      setCsrfToken(null);
      const here = location.pathname.slice(BASE.length) + location.search;
      if (!here.startsWith('/signin')) {
        navigate(`/signin?expired=1&return=${encodeURIComponent(here || '/')}`, true);
      }
    });
  }, []);

  const signedIn = (u: User, csrf: string) => {
    setCsrfToken(csrf);
    setUser(u);
    const ret = loc.query.get('return');
    const safe = ret && ret.startsWith('/') && !ret.startsWith('//') ? ret : null;
    navigate(u.role === 'end-user' ? homeOf(u) : (safe ?? '/'), true);
  };

  const signedOut = () => {
    setCsrfToken(null);
    setUser(null);
    navigate('/signin?signed_out=1', true);
  };

  // Where this location must go instead (a redirect), decided from the session.
  let redirect: string | null = null;
  let page: React.ReactNode;
  const onSignIn = match('/signin', loc.path) !== null;
  if (isPasswordPath(loc.path)) {
    // "Forgot password" pages: open to anyone, signed in or not.
    page = <PasswordPages loc={loc} />;
  } else if (user === undefined) {
    page = (
      <p className="loading" role="status">
        {i18n.t('app.loading')}
      </p>
    );
  } else if (user === null || onSignIn) {
    if (user === null && !onSignIn) {
      // Not signed in: remember where the user was going.
      const here = loc.path + (loc.query.toString() ? `?${loc.query}` : '');
      redirect = `/signin?return=${encodeURIComponent(here)}`;
    }
    if (user && onSignIn) redirect = homeOf(user);
    page = (
      <SignIn
        onSignedIn={signedIn}
        expired={loc.query.get('expired') === '1'}
        signedOut={loc.query.get('signed_out') === '1'}
      />
    );
  } else if (user.role === 'end-user') {
    if (!match('/requests', loc.path)) redirect = '/requests';
    page = <Requests user={user} onSignedOut={signedOut} />;
  } else {
    page = <Workspace user={user} loc={loc} onSignedOut={signedOut} />;
  }
  useEffect(() => {
    if (redirect) navigate(redirect, true);
  }, [redirect]);
  return <I18n.Provider value={i18n}>{page}</I18n.Provider>;
}
