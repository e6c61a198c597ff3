import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, type RouterHistory } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { clearToken, readToken, storeToken } from './api.ts';
import { SignIn } from './auth/SignIn.tsx';
import { createQueryClient } from './queryClient.ts';
import { createAppRouter } from './routes.tsx';
import { AbilitiesProvider } from './shell/abilities.tsx';
import { SessionContext, type Session } from './shell/session.tsx';
import { theme } from './theme.ts';

export interface AppProps {
  /** Where the router reads and writes the address; the browser's by default. */
  history?: RouterHistory;
}

/**
 * The whole web app: the sign-in screen while there is no accepted token; after it, the page at
 * the current address inside the navigation frame. The address survives signing in, so a link to
 * a release opens that release.
 */
export function App({ history }: AppProps = {}) {
  const [token, setToken] = useState(readToken);
  const [notice, setNotice] = useState<string | null>(null);
  const [queryClient] = useState(() =>
    createQueryClient((error) => {
      clearToken();
      setNotice(error.message);
      setToken(null);
    }),
  );
  const [router] = useState(() => createAppRouter(history));

  function signIn(newToken: string) {
    // Nothing fetched with an earlier token may show up for this one.
    queryClient.clear();
    storeToken(newToken);
    setNotice(null);
    setToken(newToken);
  }

  const session = useMemo(
    (): Session => ({
      signOut: () => {
        clearToken();
        queryClient.clear();
        setNotice(null);
        setToken(null);
      },
    }),
    [queryClient],
  );

  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        {token === null ? (
          <SignIn onSignIn={signIn} notice={notice} />
        ) : (
          <SessionContext.Provider value={session}>
            <AbilitiesProvider>
              <RouterProvider router={router} />
            </AbilitiesProvider>
          </SessionContext.Provider>
        )}
      </QueryClientProvider>
    </MantineProvider>
  );
}
