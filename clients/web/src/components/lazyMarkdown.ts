// The Markdown views are a chunk of their own (the parser is about a third of the app's size): it
// is fetched as soon as the app starts, alongside the first API requests, without holding up the
// first screen. Both views render nothing until it has arrived.

import { lazy } from 'react';

const views = import('./EventDescription');

export const EventDescription = lazy(() => views.then((m) => ({ default: m.EventDescription })));
export const EventExcerpt = lazy(() => views.then((m) => ({ default: m.EventExcerpt })));
