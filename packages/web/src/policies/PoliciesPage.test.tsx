import type { PromotionPolicy } from '@stagecoach/core';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { renderAs, sentBody } from '../catalog/testing.tsx';
import { anEnvironment, aProduct } from '../test/builders.ts';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import { PoliciesPage } from './PoliciesPage.tsx';
import type { PolicyEvaluation } from './policies.ts';

function aPolicy(name: string, priority: number, spec: Partial<PromotionPolicy['spec']>): PromotionPolicy {
  return { apiVersion: 'stagecoach.dev/v1alpha1', kind: 'PromotionPolicy', metadata: { name, resourceVersion: '2' }, spec: { priority, policy: {}, ...spec } };
}

const policies = [
  aPolicy('default-commit', 1000, { policy: { action: 'commit' } }),
  aPolicy('production-needs-pr', 10, { selector: { targetEnvironment: { kinds: ['production'] } }, policy: { preAction: 'integration-tests', action: 'pr' } }),
  aPolicy('cf-101-notify', 50, { selector: { product: { names: ['cf-101'] } }, policy: { postAction: 'notify' } }),
];

const evaluation: PolicyEvaluation = {
  product: 'cf-101',
  environment: 'production',
  fields: {
    preAction: { value: 'integration-tests', source: { type: 'policy', name: 'production-needs-pr', priority: 10 } },
    action: { value: 'pr', source: { type: 'policy', name: 'production-needs-pr', priority: 10 } },
    postAction: { value: 'notify', source: { type: 'policy', name: 'cf-101-notify', priority: 50 } },
  },
  matched: [
    { name: 'production-needs-pr', priority: 10 },
    { name: 'cf-101-notify', priority: 50 },
  ],
  warnings: [{ severity: 'warning', rule: 'no-action', message: 'something to know', path: '' }],
};

function stubApi() {
  return stubFetch({
    '/api/v1/promotion-policies': (init) =>
      init?.method === 'POST'
        ? jsonResponse(422, {
            code: 'validation_failed',
            message: 'invalid',
            details: [
              { path: 'metadata.name', message: 'name is taken', rule: 'unique' },
              { path: 'spec.selector.targetEnvironment.names[0]', message: 'unknown environment "nope"', rule: 'unknown-reference' },
            ],
          })
        : jsonResponse(200, { items: policies }),
    '/api/v1/promotion-policies/evaluate': () => jsonResponse(200, evaluation),
    '/api/v1/products': () => jsonResponse(200, { items: [aProduct('cf-101')] }),
    '/api/v1/environments': () => jsonResponse(200, { items: [anEnvironment('production', 4, 'production'), anEnvironment('dev', 1)] }),
    '/api/v1/workflow-templates': () => jsonResponse(200, { items: [{ metadata: { name: 'notify' } }, { metadata: { name: 'integration-tests' } }] }),
  });
}

beforeEach(() => storeToken('s3cret'));

describe('PoliciesPage', () => {
  it('lists policies by priority with their selectors and settings', async () => {
    stubApi();
    renderAs('admin', <PoliciesPage />);
    const table = await screen.findByRole('table', { name: 'Promotion policies' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-policy'))).toEqual(['production-needs-pr', 'cf-101-notify', 'default-commit']);
    expect(within(rows[0]!).getByText('KIND = production')).toBeTruthy();
    expect(within(rows[0]!).getByText('Pull request')).toBeTruthy();
    expect(within(rows[0]!).getByText('integration-tests')).toBeTruthy();
    expect(within(rows[1]!).getByText('PRODUCT = cf-101')).toBeTruthy();
  });

  it('evaluates a product and environment: each field with its value and source, and the warnings', async () => {
    const fetchMock = stubApi();
    renderAs('viewer', <PoliciesPage />);
    await screen.findByRole('table', { name: 'Promotion policies' });
    fireEvent.click(screen.getByRole('button', { name: 'Evaluate policy' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('combobox', { name: 'Product' }));
    fireEvent.click(await screen.findByRole('option', { name: 'cf-101' }));
    fireEvent.click(within(dialog).getByRole('combobox', { name: 'Target environment' }));
    fireEvent.click(await screen.findByRole('option', { name: 'production' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Evaluate' }));

    const action = await within(dialog).findByRole('group', { name: 'Action' });
    expect(sentBody(fetchMock, 'POST', '/api/v1/promotion-policies/evaluate')).toEqual({ product: 'cf-101', environment: 'production' });
    expect(action.textContent).toContain('Pull request (pr)');
    expect(action.textContent).toContain('from policy production-needs-pr (priority 10)');
    expect(within(dialog).getByRole('group', { name: 'Post-action workflow' }).textContent).toContain('from policy cf-101-notify (priority 50)');
    expect(within(dialog).getByText('something to know (no-action)')).toBeTruthy();
  });

  it('shows the refusal of a save under the fields it concerns', async () => {
    const fetchMock = stubApi();
    renderAs('admin', <PoliciesPage />);
    await screen.findByRole('table', { name: 'Promotion policies' });
    fireEvent.click(screen.getByRole('button', { name: 'Add policy' }));
    const drawer = await screen.findByRole('dialog');
    fireEvent.change(within(drawer).getByLabelText(/^Name/), { target: { value: 'cf-101-notify' } });
    fireEvent.click(within(drawer).getByRole('button', { name: 'Add' }));
    expect(await within(drawer).findByText('name is taken')).toBeTruthy();
    expect(within(drawer).getByText('unknown environment "nope"')).toBeTruthy();
    expect(sentBody(fetchMock, 'POST', '/api/v1/promotion-policies')).toEqual({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'PromotionPolicy',
      metadata: { name: 'cf-101-notify' },
      spec: { priority: 60, policy: { action: 'commit' } },
    });
  });

  it('lets viewers evaluate but not write', async () => {
    stubApi();
    renderAs('viewer', <PoliciesPage />);
    await screen.findByRole('table', { name: 'Promotion policies' });
    expect((screen.getByRole('button', { name: 'Add policy' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Edit default-commit' }) as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect((screen.getByRole('button', { name: 'Evaluate policy' }) as HTMLButtonElement).disabled).toBe(false));
  });
});
