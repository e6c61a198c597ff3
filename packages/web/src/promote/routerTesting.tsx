import { MantineProvider } from '@mantine/core';
import type { Role } from '@stagecoach/core';
import { QueryClientProvider } from '@tanstack/react-query';
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  Outlet,
  RouterProvider,
  useRouterState,
} from '@tanstack/react-router';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createQueryClient } from '../queryClient.ts';
import { AbilitiesContext, abilitiesFor } from '../shell/abilities.tsx';
import { theme } from '../theme.ts';

function Location() {
  const href = useRouterState({ select: (state) => state.location.href });
  return <output aria-label="location">{href}</output>;
}

/**
 * Renders `page` at `path` (`/` or `/promote`) in a memory router beside stand-ins for the
 * other pages it links to, with the app's providers and the given role. The current address is
 * shown in an `output` labelled "location" and readable from the returned router.
 */
export async function renderPage(page: () => ReactNode, options: { path: '/' | '/promote'; url: string; role?: Role }) {
  const root = createRootRoute({
    component: () => (
      <>
        <Outlet />
        <Location />
      </>
    ),
  });
  const stand = () => <p>another page</p>;
  const routes = [
    createRoute({ getParentRoute: () => root, path: '/', component: options.path === '/' ? page : stand }),
    createRoute({ getParentRoute: () => root, path: '/promote', component: options.path === '/promote' ? page : stand }),
    createRoute({ getParentRoute: () => root, path: '/releases/$id', component: stand }),
  ];
  const router = createRouter({
    routeTree: root.addChildren(routes),
    history: createMemoryHistory({ initialEntries: [options.url] }),
  });
  const queryClient = createQueryClient(() => {});
  await router.load();
  const view = render(
    <MantineProvider theme={theme} env="test">
      <QueryClientProvider client={queryClient}>
        <AbilitiesContext.Provider value={abilitiesFor(options.role ?? 'member')}>
          <RouterProvider router={router} />
        </AbilitiesContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { ...view, router };
}
