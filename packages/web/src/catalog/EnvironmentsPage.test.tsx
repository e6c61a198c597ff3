import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { anEnvironment } from '../test/builders.ts';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import { EnvironmentsPage } from './EnvironmentsPage.tsx';
import { renderAs, sentBody } from './testing.tsx';

const environments = [anEnvironment('production', 3, 'production'), anEnvironment('dev', 1), anEnvironment('qa', 2)];

beforeEach(() => storeToken('s3cret'));

describe('EnvironmentsPage', () => {
  it('lists environments in order with production marked, and sends a new one', async () => {
    const fetchMock = stubFetch({
      '/api/v1/environments': (init) =>
        init?.method === 'POST'
          ? jsonResponse(201, { results: [{ kind: 'Environment', name: 'perf', outcome: 'created', resourceVersion: '1' }], warnings: [] })
          : jsonResponse(200, { items: environments }),
    });
    renderAs('admin', <EnvironmentsPage />);
    const table = await screen.findByRole('table', { name: 'Environments' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.getAttribute('data-environment'))).toEqual(['dev', 'qa', 'production']);
    expect(within(rows[2]!).getByText('Production')).toBeTruthy();
    expect(within(rows[0]!).getByText('Non-production')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Add environment' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/^Name/), { target: { value: 'perf' } });
    fireEvent.click(within(dialog).getByLabelText('Production'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(sentBody(fetchMock, 'POST', '/api/v1/environments')).toBeDefined());
    expect(sentBody(fetchMock, 'POST', '/api/v1/environments')).toEqual({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'Environment',
      metadata: { name: 'perf' },
      spec: { kind: 'production', order: 4 },
    });
  });

  it('shows the server problems under their fields', async () => {
    stubFetch({
      '/api/v1/environments': (init) =>
        init?.method === 'POST'
          ? jsonResponse(422, { code: 'validation_failed', message: 'invalid', details: [{ path: 'metadata.name', message: 'must be a DNS-1123 label', rule: 'dns-1123-label' }] })
          : jsonResponse(200, { items: environments }),
    });
    renderAs('admin', <EnvironmentsPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Add environment' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/^Name/), { target: { value: 'Bad_Name' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(await within(dialog).findByText('must be a DNS-1123 label')).toBeTruthy();
  });

  it('edits with the version it read, and lists who still uses an environment it may not delete', async () => {
    const fetchMock = stubFetch({
      '/api/v1/environments': () => jsonResponse(200, { items: environments }),
      '/api/v1/environments/qa': (init) =>
        init?.method === 'DELETE'
          ? jsonResponse(409, {
              code: 'in_use',
              message: 'Environment "qa" is still referenced',
              details: [{ path: 'spec.environment', message: 'unknown environment', rule: 'unknown-reference', kind: 'Application', name: 'cf-101-qa' }],
            })
          : jsonResponse(200, { results: [], warnings: [] }),
    });
    renderAs('admin', <EnvironmentsPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit qa' }));
    const form = await screen.findByRole('dialog');
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(sentBody(fetchMock, 'PUT', '/api/v1/environments/qa')).toBeDefined());
    expect(sentBody(fetchMock, 'PUT', '/api/v1/environments/qa')).toMatchObject({ metadata: { name: 'qa', resourceVersion: '1' }, spec: { kind: 'non-production', order: 2 } });

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Delete qa' }));
    const confirm = await screen.findByRole('dialog');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    const usedBy = await within(confirm).findByRole('list', { name: 'Used by' });
    expect(usedBy.textContent).toContain('Application "cf-101-qa"');
    expect(fetchMock.mock.calls.some(([input]) => String(input) === '/api/v1/environments/qa?resourceVersion=1')).toBe(true);
  });

  it('disables writes for members, with the reason', async () => {
    stubFetch({ '/api/v1/environments': () => jsonResponse(200, { items: environments }) });
    renderAs('member', <EnvironmentsPage />);
    await screen.findByRole('table', { name: 'Environments' });
    const add = screen.getByRole('button', { name: 'Add environment' }) as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    expect(screen.getAllByText('Your role "member" may not change environments').length).toBeGreaterThan(0);
  });
});
