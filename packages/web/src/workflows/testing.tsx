import { MantineProvider } from '@mantine/core';
import type { Role } from '@stagecoach/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRoute, createRouter, Outlet, RouterProvider, useRouterState } from '@tanstack/react-router';
import { render } from '@testing-library/react';
import type { ComponentType } from 'react';
import { createQueryClient } from '../queryClient.ts';
import { AbilitiesContext, abilitiesFor } from '../shell/abilities.tsx';
import { theme } from '../theme.ts';

function Location() {
  const href = useRouterState({ select: (state) => state.location.href });
  return <output aria-label="location">{href}</output>;
}

/**
 * Renders the app's pages at `url` in a memory router with the app's providers, as `role`.
 * `pages` maps route paths to their components; the current address shows in an `output`
 * labelled "location".
 */
export async function renderRoutes(pages: Record<string, ComponentType>, url: string, role: Role = 'member') {
  const root = createRootRoute({
    component: () => (
      <>
        <Outlet />
        <Location />
      </>
    ),
  });
  const routes = Object.entries(pages).map(([path, component]) => createRoute({ getParentRoute: () => root, path, component: component as never }));
  const router = createRouter({ routeTree: root.addChildren(routes), history: createMemoryHistory({ initialEntries: [url] }) });
  await router.load();
  return render(
    <MantineProvider theme={theme} env="test">
      <QueryClientProvider client={createQueryClient(() => {})}>
        <AbilitiesContext.Provider value={abilitiesFor(role)}>
          <RouterProvider router={router as never} />
        </AbilitiesContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  );
}
