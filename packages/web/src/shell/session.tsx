import { createContext, useContext } from 'react';

/** What the signed-in part of the app may do with the session itself. */
export interface Session {
  /** Forgets the token and returns to the sign-in screen. */
  signOut: () => void;
}

/** Provided by the app around the router. */
export const SessionContext = createContext<Session>({ signOut: () => {} });

export function useSession(): Session {
  return useContext(SessionContext);
}
