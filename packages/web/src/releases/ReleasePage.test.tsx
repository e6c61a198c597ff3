import { MantineProvider } from '@mantine/core';
import type { Role } from '@stagecoach/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { createMemoryHistory, createRootRoute, createRoute, createRouter, Outlet, RouterProvider } from '@tanstack/react-router';
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { createQueryClient } from '../queryClient.ts';
import { AbilitiesContext, abilitiesFor } from '../shell/abilities.tsx';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import { theme } from '../theme.ts';
import { aRelease, aTask, diamond } from './builders.ts';
import { ReleasePage } from './ReleasePage.tsx';
import { ReleasesPage } from './ReleasesPage.tsx';

afterEach(() => sessionStorage.clear());

async function renderAt(url: string, role: Role) {
  const root = createRootRoute({ component: Outlet });
  const page = (path: string, component: typeof ReleasePage) => createRoute({ getParentRoute: () => root, path, component });
  const router = createRouter({
    routeTree: root.addChildren([page('/releases', ReleasesPage), page('/releases/$id', ReleasePage)]),
    history: createMemoryHistory({ initialEntries: [url] }),
  });
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

const failed = aRelease(
  diamond(),
  [
    { environment: 'dev', status: 'Succeeded', startedAt: '2026-11-26T15:00:00Z', finishedAt: '2026-11-26T15:00:02Z' },
    { environment: 'qa', status: 'Failed', startedAt: '2026-11-26T15:00:03Z', finishedAt: '2026-11-26T15:00:09Z', message: 'smoke test failed' },
    { environment: 'staging', status: 'Succeeded', startedAt: '2026-11-26T15:00:03Z', finishedAt: '2026-11-26T15:00:08Z' },
  ],
  [
    aTask('pre', { environment: 'qa', application: 'cf-101-qa', workflow: 'smoke-tests', status: 'Failed', run: 'run-qa-pre', message: 'smoke test failed' }),
    aTask('hook', { environment: 'production', hook: 'onStart', workflow: 'change-request' }),
  ],
  { status: 'Failed', message: 'qa: smoke test failed', counters: { succeeded: 2, running: 0, failed: 1, pending: 1 } },
);

describe('ReleasePage', () => {
  it('shows the header, the failure, the counters and the graph, with Retry disabled for a viewer', async () => {
    storeToken('s3cret');
    stubFetch({ '/api/v1/releases/01release': () => jsonResponse(200, failed) });
    await renderAt('/releases/01release', 'viewer');

    expect(await screen.findByRole('heading', { name: 'cf-101 #4' })).toBeTruthy();
    expect(screen.getByText('env-dependencies v3.0')).toBeTruthy();
    expect(screen.getByText('1202fb606a23')).toBeTruthy();
    expect(screen.getByText('qa: smoke test failed')).toBeTruthy();
    expect(screen.getByRole('status', { name: 'Succeeded' }).textContent).toContain('2');
    expect(screen.getByRole('status', { name: 'Pending' }).textContent).toContain('1');
    const retry = screen.getByRole('button', { name: 'Retry' }) as HTMLButtonElement;
    expect(retry.disabled).toBe(true);
    expect(screen.getByText('Your role "viewer" may not retry releases')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Terminate' })).toBeNull();
  });

  it('lets a member retry, and shows hooks on request', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({
      '/api/v1/releases/01release': () => jsonResponse(200, failed),
      '/api/v1/releases/01release/retry': () => jsonResponse(200, { ...failed, status: 'Queued' }),
    });
    await renderAt('/releases/01release', 'member');

    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    await screen.findByText('Queued');
    expect(fetchMock.mock.calls.some(([url, init]) => String(url).endsWith('/retry') && init?.method === 'POST')).toBe(true);
    expect(screen.getByRole('button', { name: 'Terminate' })).toBeTruthy();
  });
});

describe('ReleasesPage', () => {
  it('lists releases with a status cell per environment and links to each', async () => {
    storeToken('s3cret');
    const summary = {
      id: '01release', number: 4, title: 'cf-101 #4', product: 'cf-101', flow: 'env-dependencies', flowVersion: '3.0', version: '1.4.0',
      trigger: 'flow', initiator: 'admin', status: 'Failed', message: 'qa failed', commit: { sha: 'abc', message: 'm', author: 'a' },
      steps: [{ environment: 'dev', status: 'Succeeded' }, { environment: 'qa', status: 'Failed', message: 'smoke test failed' }],
      counters: { succeeded: 1, running: 0, failed: 1, pending: 0 }, createdAt: '2026-11-26T15:00:00Z', updatedAt: '2026-11-26T15:00:00Z',
    };
    const fetchMock = stubFetch({
      '/api/v1/releases': () => jsonResponse(200, { items: [summary] }),
      '/api/v1/products': () => jsonResponse(200, { items: [] }),
      '/api/v1/environments': () => jsonResponse(200, { items: [] }),
      '/api/v1/promotion-flows': () => jsonResponse(200, { items: [] }),
    });
    await renderAt('/releases?product=cf-101&status=Failed', 'viewer');

    const link = await screen.findByRole('link', { name: 'cf-101 #4' });
    expect(link.getAttribute('href')).toBe('/releases/01release');
    expect(screen.getByRole('columnheader', { name: 'qa' })).toBeTruthy();
    expect(screen.getByTitle('smoke test failed')).toBeTruthy();
    expect(screen.getByText('env-dependencies v3.0')).toBeTruthy();
    const listUrl = fetchMock.mock.calls.map(([url]) => String(url)).find((url) => url.startsWith('/api/v1/releases'));
    expect(listUrl).toBe('/api/v1/releases?product=cf-101&status=Failed&limit=200');
  });
});
