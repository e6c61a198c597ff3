import { fireEvent, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { anApplication, anEnvironment, aProduct } from '../test/builders.ts';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import { renderWithProviders } from '../test/render.tsx';
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

function stubDashboardApi() {
  return stubFetch({
    '/api/v1/environments': () => jsonResponse(200, { items: environments }),
    '/api/v1/products': () => jsonResponse(200, { items: products }),
    '/api/v1/applications': () => jsonResponse(200, { items: applications }),
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
    renderWithProviders(<Dashboard />);

    expect(screen.getByText('Loading the dashboard…')).toBeTruthy();
    await screen.findAllByRole('region');
    expect(screen.queryByText('Loading the dashboard…')).toBeNull();
  });

  it('shows one column per environment, by order then name, with its kind', async () => {
    stubDashboardApi();
    renderWithProviders(<Dashboard />);

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
    renderWithProviders(<Dashboard />);
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
    renderWithProviders(<Dashboard />);
    await screen.findAllByRole('region');

    expect(within(columnNamed('staging')).getByText('No applications in this environment.')).toBeTruthy();
    expect(within(columnNamed('dev')).queryByText('No applications in this environment.')).toBeNull();
  });

  it('lists the products with their application count', async () => {
    stubDashboardApi();
    renderWithProviders(<Dashboard />);

    const table = await screen.findByRole('table');
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['cf-101', '2'],
      ['idle', '0'],
      ['web', '3'],
    ]);
  });

  it('says so when there are no environments and no products', async () => {
    stubFetch({
      '/api/v1/environments': () => jsonResponse(200, { items: [] }),
      '/api/v1/products': () => jsonResponse(200, { items: [] }),
      '/api/v1/applications': () => jsonResponse(200, { items: [] }),
    });
    renderWithProviders(<Dashboard />);

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
    renderWithProviders(<Dashboard />);

    expect(await screen.findByText('the store is unavailable')).toBeTruthy();
    expect(screen.getByText('Could not load the dashboard')).toBeTruthy();

    productsAnswer = jsonResponse(200, { items: products });
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));

    expect(await screen.findAllByRole('region')).toHaveLength(4);
    const productCalls = fetchMock.mock.calls.filter(([input]) => String(input) === '/api/v1/products');
    expect(productCalls).toHaveLength(2);
  });
});
