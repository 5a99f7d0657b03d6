// Typed versions of react-redux's hooks.

import { useDispatch, useSelector } from 'react-redux';
import type { AppDispatch, RootState } from './store';

export const useAppDispatch = useDispatch.withTypes<AppDispatch>();
export const useAppSelector = useSelector.withTypes<RootState>();

/** Whether someone is signed in here; signed out, only the public pages (Discover, events) show. */
export const useSignedIn = () => useAppSelector((s) => s.auth.user !== null);
