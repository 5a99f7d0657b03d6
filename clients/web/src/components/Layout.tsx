// The frame around every screen but sign-in and sign-up: signed in, a header with the navigation
// (a bottom bar on phones), the connection state and the user's menu, and a reminder while the
// e-mail address is not confirmed; signed out (Discover and event pages are public), the ways to
// sign in and sign up instead. Screens inside sign out through it (`useOutletContext`), so that
// the session ends once the page they leave for is on screen.

import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useLogoutMutation, useMeetingsQuery, useMeQuery } from '../app/api';
import { sessionEnded } from '../app/authSlice';
import { useAppDispatch, useAppSelector, useSignedIn } from '../app/hooks';
import { unreadConversations } from '../realtime/dmSlice';
import { AuthLink } from './AuthLinks';
import { ConnectionBadge } from './ConnectionBadge';
import { EmailReminder } from './EmailReminder';
import type { LayoutContext, LayoutNotice } from './layoutContext';
import { Avatar } from './ui';

const icons = {
  discover: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm3.5 6.5-2 5-5 2 2-5 5-2Z',
  organize: 'M4 5h16v14H4zM4 9h16M8 3v4M16 3v4',
  meetings: 'M4 6h16v10H8l-4 4V6Z',
  messages: 'M3 6h18v12H3zM3 7l9 6 9-6',
  profile: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm-7 8a7 7 0 0 1 14 0',
};

function Icon({ d }: { d: string }) {
  return (
    <svg
      className="nav-icon"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={d} />
    </svg>
  );
}

/** Where signing out leaves someone: an event's public page from any of its pages, else Discover. */
function publicPageOf(path: string): string {
  return /^\/events\/[^/]+/.exec(path)?.[0] ?? '/';
}

export function Layout() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const navigate = useNavigate();
  const location = useLocation();
  const signedIn = useSignedIn();
  const user = useAppSelector((s) => s.auth.user);
  useMeQuery(undefined, { skip: !signedIn });
  const { data: pending } = useMeetingsQuery({}, { skip: !signedIn });
  const incoming = pending?.items.filter((m) => m.status === 'pending' && m.to.id === user?.id).length ?? 0;
  const unread = useAppSelector((s) => unreadConversations(s.dm));
  const [logout] = useLogoutMutation();

  // The session ends once the public page is on screen: ended first, the page being left would
  // send its visitor to sign in instead.
  const leavingTo = useRef<string | null>(null);
  useEffect(() => {
    if (leavingTo.current !== location.pathname) return;
    leavingTo.current = null;
    dispatch(sessionEnded());
  }, [location.pathname, dispatch]);

  const path = location.pathname;
  const signOut = useCallback(
    async ({ to, notice }: { to?: string; notice?: LayoutNotice } = {}) => {
      await logout().catch(() => undefined);
      const target = to ?? publicPageOf(path);
      if (target === path) {
        dispatch(sessionEnded());
        if (notice) void navigate(target, { replace: true, state: { notice } });
      } else {
        leavingTo.current = target;
        void navigate(target, { replace: true, state: notice ? { notice } : null });
      }
    },
    [logout, path, dispatch, navigate],
  );
  const context = useMemo<LayoutContext>(() => ({ signOut }), [signOut]);
  const notice = (location.state as { notice?: LayoutNotice } | null)?.notice;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/" className="brand" aria-label={t('nav.home')}>
            <img src="/favicon.svg" alt="" width="28" height="28" />
            <span>Mingle</span>
          </NavLink>
          {signedIn && (
            <nav className="nav" aria-label={t('nav.main')}>
              <NavLink to="/" end>
                <Icon d={icons.discover} />
                <span>{t('nav.discover')}</span>
              </NavLink>
              <NavLink to="/organize">
                <Icon d={icons.organize} />
                <span>{t('nav.organize')}</span>
              </NavLink>
              <NavLink to="/meetings">
                <Icon d={icons.meetings} />
                <span>{t('nav.meetings')}</span>
                {incoming > 0 && (
                  <span className="badge" aria-label={t('nav.waiting', { count: incoming })}>
                    {incoming}
                  </span>
                )}
              </NavLink>
              <NavLink to="/messages">
                <Icon d={icons.messages} />
                <span>{t('nav.messages')}</span>
                {unread > 0 && (
                  <span className="badge" data-testid="unread-messages">
                    {unread}
                    <span className="visually-hidden"> {t('nav.unreadConversations', { count: unread })}</span>
                  </span>
                )}
              </NavLink>
              <NavLink to="/profile">
                <Icon d={icons.profile} />
                <span>{t('nav.profile')}</span>
              </NavLink>
            </nav>
          )}
          {signedIn ? (
            <div className="topbar-end">
              <ConnectionBadge />
              {user && (
                <NavLink to="/account/security" className="whoami" title={t('nav.account')}>
                  <Avatar id={user.id} name={user.display_name} size={30} />
                  <span className="whoami-name">{user.display_name}</span>{' '}
                  <span className="visually-hidden">{t('nav.account')}</span>
                </NavLink>
              )}
              <button type="button" className="button button-ghost button-small" onClick={() => void signOut()}>
                {t('nav.signOut')}
              </button>
            </div>
          ) : (
            <div className="topbar-end">
              <AuthLink mode="signin" className="button button-ghost button-small">
                {t('nav.signIn')}
              </AuthLink>
              <AuthLink mode="signup" className="button button-primary button-small">
                {t('nav.signUp')}
              </AuthLink>
            </div>
          )}
        </div>
      </header>
      {signedIn && user && !user.email_verified && <EmailReminder email={user.email} />}
      <main id="main" className="main" tabIndex={-1}>
        {notice === 'accountDeleted' && (
          <p className="notice notice-page" role="status" data-testid="account-deleted">
            {t('security.delete.done')}
          </p>
        )}
        <Outlet context={context} />
      </main>
    </div>
  );
}
