// Routes. Discover and an event's page are the public front door: signed-out visitors browse and
// search events there, and are asked to sign up when they act; so are the pages mailed links
// open (confirming an address, resetting a password). The operator's dashboard stands apart, with
// a token of its own. Everything else needs a session.

import { lazy, Suspense, useEffect, useRef } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation, useNavigate, useOutletContext } from 'react-router-dom';
import { PageViews } from './analytics/PageViews';
import { useAppSelector, useSignedIn } from './app/hooks';
import { takeProviderReturn } from './app/providers';
import { Layout } from './components/Layout';
import { AuthScreen } from './screens/AuthScreen';
import { Discover } from './screens/Discover';
import { EventPage } from './screens/EventPage';
import { LiveRoom } from './screens/LiveRoom';
import { MeetingsScreen } from './screens/MeetingsScreen';
import { MessagesScreen } from './screens/MessagesScreen';
import { OrganizerConsole } from './screens/OrganizerConsole';
import { EventEditor } from './screens/EventEditor';
import { ProfileEditor } from './screens/ProfileEditor';
import { ForgotPassword } from './screens/ForgotPassword';
import { ResetPassword } from './screens/ResetPassword';
import { VerifyEmail } from './screens/VerifyEmail';
import { Spinner } from './components/ui';

// The organizer's screen and the operator's carry the chart library, the security page the QR
// code's; each loads on first use.
const ManageEvent = lazy(() => import('./screens/ManageEvent').then((m) => ({ default: m.ManageEvent })));
const OperatorDashboard = lazy(() =>
  import('./screens/OperatorDashboard').then((m) => ({ default: m.OperatorDashboard })),
);
const AccountSecurity = lazy(() => import('./screens/AccountSecurity').then((m) => ({ default: m.AccountSecurity })));

/** The routes inside need a session: signed out, sign in first, then come back here. */
function RequireSession() {
  const signedIn = useSignedIn();
  const location = useLocation();
  // The frame's context (its sign-out) reaches the screens inside.
  const frame = useOutletContext();
  if (!signedIn) return <Navigate to="/signin" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <Outlet context={frame} />;
}

/**
 * A session that ended by itself (it ran out, or it was signed out from another device, by a
 * password change or a reset) leads to the sign-in screen, which says so, from whatever page.
 */
function SignInWhenSessionEnds() {
  const ended = useAppSelector((s) => s.auth.ended);
  const navigate = useNavigate();
  const location = useLocation();
  // Only the session's end moves the page; the person's own moves afterwards stay theirs.
  const handled = useRef(ended);
  useEffect(() => {
    if (ended === handled.current) return;
    handled.current = ended;
    if (ended && location.pathname !== '/signin') {
      void navigate('/signin', { replace: true, state: { from: `${location.pathname}${location.search}` } });
    }
  }, [ended, location, navigate]);
  return null;
}

/**
 * Back from a provider's sign-in on the front page: on to the page that asked for it (an event's
 * RSVP, say), once the session is restored.
 */
function ReturnAfterProviderSignIn() {
  const signedIn = useSignedIn();
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    if (!signedIn || location.pathname !== '/') return;
    const path = takeProviderReturn();
    if (path && path !== '/') void navigate(path, { replace: true });
  }, [signedIn, location.pathname, navigate]);
  return null;
}

export function App() {
  return (
    <>
      <SignInWhenSessionEnds />
      <ReturnAfterProviderSignIn />
      <PageViews />
      <Routes>
        <Route path="/signin" element={<AuthScreen mode="signin" />} />
        <Route path="/signup" element={<AuthScreen mode="signup" />} />
        <Route path="/forgot-password" element={<ForgotPassword />} />
        <Route path="/reset-password" element={<ResetPassword />} />
        <Route
          path="/operator"
          element={
            <Suspense fallback={<Spinner />}>
              <OperatorDashboard />
            </Suspense>
          }
        />
        <Route element={<Layout />}>
          <Route index element={<Discover />} />
          <Route path="events/:id" element={<EventPage />} />
          <Route path="verify-email" element={<VerifyEmail />} />
          <Route element={<RequireSession />}>
            <Route path="events/:id/live" element={<LiveRoom />} />
            <Route
              path="events/:id/manage"
              element={
                <Suspense fallback={<Spinner />}>
                  <ManageEvent />
                </Suspense>
              }
            />
            <Route path="events/:id/edit" element={<EventEditor />} />
            <Route path="organize" element={<OrganizerConsole />} />
            <Route path="organize/new" element={<EventEditor />} />
            <Route path="meetings" element={<MeetingsScreen />} />
            <Route path="messages" element={<MessagesScreen />} />
            <Route path="profile" element={<ProfileEditor />} />
            <Route
              path="account/security"
              element={
                <Suspense fallback={<Spinner />}>
                  <AccountSecurity />
                </Suspense>
              }
            />
          </Route>
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </>
  );
}
