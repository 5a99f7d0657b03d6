// What the frame around the screens (Layout) offers the screens inside it.

import { useOutletContext } from 'react-router-dom';

/** What a public page was opened to say after the session ended (from the location's state). */
export type LayoutNotice = 'accountDeleted';

export interface LayoutContext {
  /**
   * Signs out here (the server ends the session and drops its cookie), then shows `to`: by
   * default the public page of where the person is.
   */
  signOut: (options?: { to?: string; notice?: LayoutNotice }) => Promise<void>;
}

/** The frame's sign-out, for the screens inside it. */
export const useLayout = () => useOutletContext<LayoutContext>();
