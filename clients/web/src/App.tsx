// Routes. Discover and an event's page are the public front door: signed-out visitors browse and
// search events there, and are asked to sign up when they act. Everything else needs a session.

import { lazy, Suspense } from 'react';
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { useAppSelector } from './app/hooks';
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
import { Spinner } from './components/ui';

// The organizer's screen carries the chart library; it loads on first use.
const ManageEvent = lazy(() => import('./screens/ManageEvent').then((m) => ({ default: m.ManageEvent })));

/** The routes inside need a session: signed out, sign in first, then come back here. */
function RequireSession() {
  const signedIn = useAppSelector((s) => Boolean(s.auth.refreshToken));
  const location = useLocation();
  if (!signedIn) return <Navigate to="/signin" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <Outlet />;
}

export function App() {
  return (
    <Routes>
      <Route path="/signin" element={<AuthScreen mode="signin" />} />
      <Route path="/signup" element={<AuthScreen mode="signup" />} />
      <Route element={<Layout />}>
        <Route index element={<Discover />} />
        <Route path="events/:id" element={<EventPage />} />
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
        </Route>
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
