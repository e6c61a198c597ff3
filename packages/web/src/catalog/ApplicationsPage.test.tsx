import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { anApplication, anEnvironment, aProduct } from '../test/builders.ts';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import { ApplicationsPage } from './ApplicationsPage.tsx';
import { renderAs, sentBody } from './testing.tsx';

const applications = [anApplication('web-portal-dev', 'web-portal', 'dev'), anApplication('cf-101-qa', 'cf-101', 'qa'), anApplication('cf-101-dev', 'cf-101', 'dev')];

function stubApi() {
  return stubFetch({
    '/api/v1/applications': (init) =>
      init?.method === 'POST'
        ? jsonResponse(201, { results: [{ kind: 'Application', name: 'cf-101-perf', outcome: 'created', resourceVersion: '1' }], warnings: [] })
        : jsonResponse(200, { items: applications }),
    '/api/v1/environments': () => jsonResponse(200, { items: [anEnvironment('qa', 2), anEnvironment('dev', 1)] }),
    '/api/v1/products': () => jsonResponse(200, { items: [aProduct('cf-101'), aProduct('web-portal')] }),
    '/api/v1/applications/cf-101-dev': () => jsonResponse(200, { kind: 'Application', name: 'cf-101-dev' }),
  });
}

const rowNames = () =>
  within(screen.getByRole('table', { name: 'Applications' }))
    .getAllByRole('row')
    .slice(1)
    .map((row) => row.getAttribute('data-application'));

beforeEach(() => storeToken('s3cret'));

describe('ApplicationsPage', () => {
  it('lists applications with their source, filters by product, and creates one in the filtered product', async () => {
    const fetchMock = stubApi();
    renderAs('member', <ApplicationsPage />);
    await screen.findByRole('table', { name: 'Applications' });
    await waitFor(() => expect(rowNames()).toEqual(['cf-101-dev', 'cf-101-qa', 'web-portal-dev']));
    expect(screen.getAllByText('https://git.example/org/cf-101.git')).toHaveLength(2);
    expect(screen.getByText('envs/qa')).toBeTruthy();

    fireEvent.click(screen.getAllByRole('button', { name: 'cf-101' })[0]!);
    await waitFor(() => expect(rowNames()).toEqual(['cf-101-dev', 'cf-101-qa']));

    fireEvent.click(screen.getByRole('button', { name: 'Add application' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/^Name/), { target: { value: 'cf-101-perf' } });
    fireEvent.click(within(dialog).getByRole('combobox', { name: /^Environment/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'qa' }));
    fireEvent.change(within(dialog).getByLabelText(/^Repository URL/), { target: { value: '/repos/cf-101.git' } });
    fireEvent.change(within(dialog).getByLabelText(/^Path/), { target: { value: 'envs/perf' } });
    fireEvent.change(within(dialog).getByLabelText(/^Labels/), { target: { value: 'team=core' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(sentBody(fetchMock, 'POST', '/api/v1/applications')).toBeDefined());
    expect(sentBody(fetchMock, 'POST', '/api/v1/applications')).toEqual({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'Application',
      metadata: { name: 'cf-101-perf', labels: { team: 'core' } },
      spec: { product: 'cf-101', environment: 'qa', source: { repoURL: '/repos/cf-101.git', path: 'envs/perf' } },
    });
  });

  it('deletes after confirmation, only the version it showed', async () => {
    const fetchMock = stubApi();
    renderAs('member', <ApplicationsPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete cf-101-dev' }));
    const confirm = await screen.findByRole('dialog');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const deleted = fetchMock.mock.calls.find(([, init]) => init?.method === 'DELETE');
    expect(String(deleted?.[0])).toBe('/api/v1/applications/cf-101-dev?resourceVersion=1');
  });

  it('disables writes for viewers', async () => {
    stubApi();
    renderAs('viewer', <ApplicationsPage />);
    await screen.findByRole('table', { name: 'Applications' });
    expect((screen.getByRole('button', { name: 'Add application' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
