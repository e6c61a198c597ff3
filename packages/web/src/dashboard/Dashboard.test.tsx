import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { anApplication, anEnvironment, aProduct } from '../test/builders.ts';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import { renderPage } from '../promote/routerTesting.tsx';
import { Dashboard } from './Dashboard.tsx';

const environments = [
  anEnvironment('production', 3, 'production'),
  anEnvironment('qa', 2),
  anEnvironment('dev', 1),
  anEnvironment('staging', 2),
];
const products = [aProduct('web'), aProduct('cf-101'), aProduct('idle')];
const applications = [
  anApplication('cf-101-dev', 'cf-101', 'dev'),
  anApplication('cf-101-qa', 'cf-101', 'qa'),
  anApplication('web-dev', 'web', 'dev'),
  anApplication('web-prod-eu', 'web', 'production'),
  anApplication('web-prod-us', 'web', 'production'),
];

/** The versions answer when Argo CD deploys cf-101 and one of web's production applications. */
const deployedVersions = {
  items: [
    {
      product: 'cf-101',
      environments: [
        {
          environment: 'dev',
          applications: [{ application: 'cf-101-dev', environment: 'dev', branch: 'main', version: '1.4.0', deployment: { sync: 'Synced', health: 'Healthy', revision: 'a'.repeat(40) } }],
        },
        {
          environment: 'qa',
          applications: [
            {
              application: 'cf-101-qa',
              environment: 'qa',
              branch: 'main',
              version: '1.3.2',
              deployment: { sync: 'OutOfSync', health: 'Degraded', revision: 'b'.repeat(40), message: 'Deployment "cf-101" exceeded its progress deadline' },
            },
          ],
        },
      ],
    },
    {
      product: 'web',
      environments: [
        { environment: 'dev', applications: [{ application: 'web-dev', environment: 'dev', branch: 'main', version: '2.0.0' }] },
        {
          environment: 'production',
          applications: [
            { application: 'web-prod-eu', environment: 'production', branch: 'main', version: '2.0.0', deployment: { sync: 'Synced', health: 'Progressing' } },
            { application: 'web-prod-us', environment: 'production', branch: 'main', version: '2.0.0' },
          ],
        },
      ],
    },
  ],
};

function stubDashboardApi(versions?: unknown) {
  return stubFetch({
    '/api/v1/environments': () => jsonResponse(200, { items: environments }),
    '/api/v1/products': () => jsonResponse(200, { items: products }),
    '/api/v1/applications': () => jsonResponse(200, { items: applications }),
    '/api/v1/versions': () =>
      versions !== undefined ? jsonResponse(200, versions) : jsonResponse(200, {
        items: [
          {
            product: 'cf-101',
            environments: [
              {
                environment: 'dev',
                applications: [
                  {
                    application: 'cf-101-dev',
                    environment: 'dev',
                    branch: 'main',
                    version: '1.4.0',
                    commit: 'a'.repeat(40),
                    lastChange: { sha: 'b1c2d3e4f5'.padEnd(40, '0'), author: { name: 'Dana Developer', email: 'dana@example.com', date: '2026-01-02T10:00:00Z' }, message: 'cf-101: dev at 1.4.0' },
                  },
                ],
              },
              { environment: 'qa', applications: [{ application: 'cf-101-qa', environment: 'qa', branch: 'main', version: '1.3.2' }] },
            ],
          },
          {
            product: 'web',
            environments: [
              { environment: 'dev', applications: [{ application: 'web-dev', environment: 'dev', branch: 'main', reason: 'Chart.yaml: no such file' }] },
            ],
          },
        ],
      }),
    '/api/v1/releases': () =>
      jsonResponse(200, { items: [{ product: 'cf-101', steps: [{ environment: 'dev', status: 'Succeeded' }, { environment: 'qa', status: 'Running' }] }] }),
  });
}

function columnNamed(name: string): HTMLElement {
  return screen.getByRole('region', { name });
}

function cardNames(column: HTMLElement): string[] {
  return within(column)
    .queryAllByRole('article')
    .map((card) => card.getAttribute('aria-label') ?? '');
}

beforeEach(() => {
  storeToken('s3cret');
});

describe('Dashboard', () => {
  it('shows a loading state until the lists arrive', async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/' });

    expect(screen.getByText('Loading the dashboard…')).toBeTruthy();
    await screen.findAllByRole('region');
    expect(screen.queryByText('Loading the dashboard…')).toBeNull();
  });

  it('shows one column per environment, by order then name, with its kind', async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/' });

    const columns = await screen.findAllByRole('region');
    expect(columns.map((column) => within(column).getByRole('heading').textContent)).toEqual([
      'dev',
      'qa',
      'staging',
      'production',
    ]);
    expect(within(columnNamed('production')).getByText('production', { selector: '.mantine-Badge-label' })).toBeTruthy();
    expect(within(columnNamed('dev')).getByText('non-production')).toBeTruthy();
  });

  it('puts each product card, with its application names, in the right column', async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/' });
    await screen.findAllByRole('region');

    expect(cardNames(columnNamed('dev'))).toEqual(['cf-101', 'web']);
    expect(cardNames(columnNamed('qa'))).toEqual(['cf-101']);
    expect(cardNames(columnNamed('staging'))).toEqual([]);
    expect(cardNames(columnNamed('production'))).toEqual(['web']);

    const webInProduction = within(columnNamed('production')).getByRole('article', { name: 'web' });
    expect(within(webInProduction).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'web-prod-eu',
      'web-prod-us',
    ]);
  });

  it('says so in a column with no applications', async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/' });
    await screen.findAllByRole('region');

    expect(within(columnNamed('staging')).getByText('No applications in this environment.')).toBeTruthy();
    expect(within(columnNamed('dev')).queryByText('No applications in this environment.')).toBeNull();
  });

  it('counts the products and names those without applications, which have no card', async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/' });

    const line = await screen.findByRole('group', { name: 'products' });
    expect(line.textContent).toContain('3 products; without applications, so on no column:');
    expect(within(line).getAllByRole('link').map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['idle', '/products/idle'],
      ['All products', '/products'],
    ]);
  });

  it('says so when there are no environments and no products', async () => {
    stubFetch({
      '/api/v1/environments': () => jsonResponse(200, { items: [] }),
      '/api/v1/products': () => jsonResponse(200, { items: [] }),
      '/api/v1/applications': () => jsonResponse(200, { items: [] }),
    });
    await renderPage(Dashboard, { path: '/', url: '/' });

    expect(await screen.findByText(/^No environments yet/)).toBeTruthy();
    expect(screen.getByText('No products yet.')).toBeTruthy();
  });

  it("shows the server's message when a list fails, and tries again on request", async () => {
    let productsAnswer = jsonResponse(500, { code: 'internal', message: 'the store is unavailable', details: [] });
    const fetchMock = stubFetch({
      '/api/v1/environments': () => jsonResponse(200, { items: environments }),
      '/api/v1/products': () => productsAnswer,
      '/api/v1/applications': () => jsonResponse(200, { items: applications }),
    });
    await renderPage(Dashboard, { path: '/', url: '/' });

    expect(await screen.findByText('the store is unavailable')).toBeTruthy();
    expect(screen.getByText('Could not load the dashboard')).toBeTruthy();

    productsAnswer = jsonResponse(200, { items: products });
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findAllByRole('region')).toHaveLength(4);
    const productCalls = fetchMock.mock.calls.filter(([input]) => String(input) === '/api/v1/products');
    expect(productCalls).toHaveLength(2);
  });

  it("shows each card's version, and why it is unknown", async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/' });
    await screen.findAllByRole('region');

    const cfDev = within(columnNamed('dev')).getByRole('article', { name: 'cf-101' });
    expect(await within(cfDev).findByLabelText('version 1.4.0')).toBeTruthy();
    const cfQa = within(columnNamed('qa')).getByRole('article', { name: 'cf-101' });
    expect(await within(cfQa).findByLabelText('version 1.3.2')).toBeTruthy();
    const webDev = within(columnNamed('dev')).getByRole('article', { name: 'web' });
    expect(await within(webDev).findByLabelText('version unknown: Chart.yaml: no such file')).toBeTruthy();
  });

  it('sums up each column: versions read, unknown, products being promoted into it', async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/' });
    await screen.findAllByRole('region');

    await waitFor(() => {
      expect(within(columnNamed('qa')).getByRole('group', { name: 'health summary of qa' }).textContent).toBe('1 versioned0 unknown1 promoting');
    });
    expect(within(columnNamed('dev')).getByRole('group', { name: 'health summary of dev' }).textContent).toBe('1 versioned1 unknown0 promoting');
  });

  it("shows Argo CD's health and sync on the cards of applications it deploys, and counts them in the column summaries", async () => {
    stubDashboardApi(deployedVersions);
    await renderPage(Dashboard, { path: '/', url: '/' });
    await screen.findAllByRole('region');

    const cfQa = within(columnNamed('qa')).getByRole('article', { name: 'cf-101' });
    expect(await within(cfQa).findByLabelText('health Degraded')).toBeTruthy();
    expect(within(cfQa).getByLabelText('sync OutOfSync')).toBeTruthy();
    expect(within(cfQa).getByLabelText('version 1.3.2')).toBeTruthy();
    const cfDev = within(columnNamed('dev')).getByRole('article', { name: 'cf-101' });
    expect(within(cfDev).getByLabelText('health Healthy').getAttribute('data-health')).toBe('Healthy');
    expect(within(cfDev).getByLabelText('sync Synced')).toBeTruthy();
    // Git alone: the version and nothing else.
    const webDev = within(columnNamed('dev')).getByRole('article', { name: 'web' });
    expect(within(webDev).getByLabelText('version 2.0.0')).toBeTruthy();
    expect(within(webDev).queryByLabelText(/^(health|sync) /)).toBeNull();
    // One of two applications deployed by Argo CD: its state is the card's.
    const webProduction = within(columnNamed('production')).getByRole('article', { name: 'web' });
    expect(within(webProduction).getByLabelText('health Progressing')).toBeTruthy();
    expect(within(webProduction).getByLabelText('sync Synced')).toBeTruthy();

    const summary = (environment: string) => within(columnNamed(environment)).getByRole('group', { name: `health summary of ${environment}` });
    await waitFor(() => {
      expect(summary('qa').textContent).toBe('1 versioned0 unknown1 promoting0 healthy1 degraded1 out of sync');
    });
    expect(summary('dev').textContent).toBe('2 versioned0 unknown0 promoting1 healthy0 degraded0 out of sync');
    expect(summary('production').textContent).toBe('2 versioned0 unknown0 promoting0 healthy0 degraded0 out of sync');
    expect(summary('staging').textContent).toBe('0 versioned0 unknown0 promoting');
    const degraded = within(summary('qa')).getByText('1 degraded');
    expect([degraded.closest('[data-kind]')?.getAttribute('data-kind'), degraded.closest('[data-kind]')?.getAttribute('data-count')]).toEqual(['degraded', '1']);
    expect(within(summary('qa')).getByText('1 versioned').closest('[data-kind]')?.getAttribute('data-kind')).toBe('versioned');
  });

  it("lists each application's health, sync and Argo CD's message when the card's name is hovered", async () => {
    stubDashboardApi(deployedVersions);
    await renderPage(Dashboard, { path: '/', url: '/' });
    await screen.findAllByRole('region');

    const webProduction = within(columnNamed('production')).getByRole('article', { name: 'web' });
    await within(webProduction).findByLabelText('health Progressing');
    fireEvent.pointerEnter(webProduction);
    fireEvent.mouseEnter(within(webProduction).getByRole('button', { name: 'web in production: applications' }));
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['Application', 'Version', 'Last change', 'Argo CD']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent))).toEqual([
      ['web-prod-eu', '2.0.0', 'not read yet', 'ProgressingSynced'],
      ['web-prod-us', '2.0.0', 'not read yet', 'Git alone'],
    ]);

    const cfQa = within(columnNamed('qa')).getByRole('article', { name: 'cf-101' });
    fireEvent.pointerEnter(cfQa);
    fireEvent.mouseEnter(within(cfQa).getByRole('button', { name: 'cf-101 in qa: applications' }));
    expect(await screen.findByText('Deployment "cf-101" exceeded its progress deadline', { selector: 'td *' })).toBeTruthy();
  });

  it('filters the board by product', async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/' });
    await screen.findAllByRole('region');

    fireEvent.click(screen.getByRole('combobox', { name: 'Product' }));
    fireEvent.click(await screen.findByRole('option', { name: 'web' }));

    expect(cardNames(columnNamed('dev'))).toEqual(['web']);
    expect(cardNames(columnNamed('qa'))).toEqual([]);
    expect(cardNames(columnNamed('production'))).toEqual(['web']);
  });

  // The real keys (Enter on the button, arrows, Enter on an item) are pressed in Chromium by
  // e2e/promote.test.ts; happy-dom does not turn Enter into a click.
  it('promotes without a mouse drag: the Promote menu lists the targets and opens Commit Changes', async () => {
    stubDashboardApi();
    const { router } = await renderPage(Dashboard, { path: '/', url: '/' });
    await screen.findAllByRole('region');

    const menuButton = screen.getByRole('button', { name: 'Promote cf-101 from dev' });
    fireEvent.click(menuButton);
    const items = await screen.findAllByRole('menuitem');
    expect(items.map((item) => item.textContent)).toEqual(['qa']);
    fireEvent.click(items[0]!);

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/promote');
    });
    expect(router.state.location.search).toEqual({ product: 'cf-101', from: 'dev', to: 'qa' });
  });

  it('disables the Promote menu with the reason for a viewer', async () => {
    stubDashboardApi();
    await renderPage(Dashboard, { path: '/', url: '/', role: 'viewer' });
    await screen.findAllByRole('region');

    const button = screen.getByRole('button', { name: 'Promote cf-101 from dev' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-description')).toBe('Your role "viewer" may not promote');
  });
});
