import { AppShell, Button, Group, MantineProvider, Title } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { clearToken, readToken, storeToken } from './api.ts';
import { SignIn } from './auth/SignIn.tsx';
import { Dashboard } from './dashboard/Dashboard.tsx';
import { createQueryClient } from './queryClient.ts';
import { theme } from './theme.ts';

/**
 * The whole web app: the sign-in screen while there is no accepted token, the dashboard after.
 */
export function App() {
  const [token, setToken] = useState(readToken);
  const [notice, setNotice] = useState<string | null>(null);
  const [queryClient] = useState(() =>
    createQueryClient((error) => {
      clearToken();
      setNotice(error.message);
      setToken(null);
    }),
  );

  function signIn(newToken: string) {
    // Nothing fetched with an earlier token may show up for this one.
    queryClient.clear();
    storeToken(newToken);
    setNotice(null);
    setToken(newToken);
  }

  function signOut() {
    clearToken();
    queryClient.clear();
    setNotice(null);
    setToken(null);
  }

  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        {token === null ? (
          <SignIn onSignIn={signIn} notice={notice} />
        ) : (
          <AppShell header={{ height: 56 }} padding="lg">
            <AppShell.Header>
              <Group h="100%" px="lg" justify="space-between">
                <Title order={1} size="h3">
                  Stagecoach
                </Title>
                <Button variant="subtle" size="sm" onClick={signOut}>
                  Sign out
                </Button>
              </Group>
            </AppShell.Header>
            <AppShell.Main>
              <Dashboard />
            </AppShell.Main>
          </AppShell>
        )}
      </QueryClientProvider>
    </MantineProvider>
  );
}
