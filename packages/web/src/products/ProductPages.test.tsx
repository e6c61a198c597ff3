import type { Product } from '@stagecoach/core';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { anApplication, anEnvironment } from '../test/builders.ts';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import { renderRoutes } from '../workflows/testing.tsx';
import { ProductPage } from './ProductPage.tsx';
import { ProductsPage } from './ProductsPage.tsx';

const pages = { '/products': ProductsPage, '/products/$name': ProductPage };

const cf101: Product = {
  apiVersion: 'stagecoach.dev/v1alpha1',
  kind: 'Product',
  metadata: { name: 'cf-101', resourceVersion: '3' },
  spec: {
    promotionTemplateRef: 'helm-default',
    promotionFlows: [
      { name: 'parallel-regions', gitTriggerSelectors: [{ key: 'commitMessage', operator: 'In', values: ['*[promotion:parallel-regions]*'] }] },
      { name: 'env-dependencies' },
    ],
    concurrency: { policy: 'queue', queueLimit: 50 },
  },
};

const release = {
  id: '01release', number: 4, title: 'cf-101 #4', product: 'cf-101', flow: 'env-dependencies', version: '1.4.0', trigger: 'flow', initiator: 'admin',
  status: 'Succeeded', commit: { sha: 'abc', message: 'm', author: 'a' }, steps: [], counters: { succeeded: 4, running: 0, failed: 0, pending: 0 },
  createdAt: '2026-11-26T15:00:00Z', updatedAt: '2026-11-26T15:00:00Z',
};

const versions = {
  product: 'cf-101',
  environments: [
    { environment: 'dev', applications: [{ application: 'cf-101-dev', environment: 'dev', branch: 'main', version: '1.4.0', commit: 'c0ffee', lastChange: { sha: '1202fb606a23aa', author: { name: 'Ada', email: 'ada@example.com', date: '2026-11-26T14:00:00Z' }, message: 'bump' } }] },
    { environment: 'qa', applications: [{ application: 'cf-101-qa', environment: 'qa', branch: 'main', reason: 'Chart.yaml is missing' }] },
  ],
};

describe('ProductsPage', () => {
  it('lists products with their latest release and environments', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({
      '/api/v1/products': () => jsonResponse(200, { items: [cf101] }),
      '/api/v1/applications': () => jsonResponse(200, { items: [anApplication('cf-101-qa', 'cf-101', 'qa'), anApplication('cf-101-dev', 'cf-101', 'dev')] }),
      '/api/v1/environments': () => jsonResponse(200, { items: [anEnvironment('qa', 2), anEnvironment('dev', 1)] }),
      '/api/v1/releases': () => jsonResponse(200, { items: [release] }),
    });
    await renderRoutes(pages, '/products');

    expect((await screen.findByRole('link', { name: 'cf-101' })).getAttribute('href')).toBe('/products/cf-101');
    expect((await screen.findByRole('link', { name: 'cf-101 #4' })).getAttribute('href')).toBe('/releases/01release');
    expect(screen.getByText('Succeeded')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('qa')).toBeTruthy());
    const badges = [...document.querySelectorAll('[data-product="cf-101"] td:last-child .mantine-Badge-label')].map((badge) => badge.textContent);
    expect(badges).toEqual(['dev', 'qa']);
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toContain('/api/v1/releases?product=cf-101&limit=1');
  });
});

describe('ProductPage', () => {
  function routes(put: (body: Product) => Response) {
    return {
      '/api/v1/products/cf-101': (init: RequestInit | undefined) => (init?.method === 'PUT' ? put(JSON.parse(String(init.body)) as Product) : jsonResponse(200, cf101)),
      '/api/v1/products/cf-101/versions': () => jsonResponse(200, versions),
      '/api/v1/releases': () => jsonResponse(200, { items: [release] }),
      '/api/v1/promotion-templates': () => jsonResponse(200, { items: [] }),
      '/api/v1/promotion-flows': () => jsonResponse(200, { items: [{ metadata: { name: 'env-dependencies' } }, { metadata: { name: 'parallel-regions' } }] }),
    };
  }

  it('shows versions, the unknown reason, the last change, releases and the flows', async () => {
    storeToken('s3cret');
    stubFetch(routes(() => jsonResponse(200, {})));
    await renderRoutes(pages, '/products/cf-101', 'viewer');

    expect(await screen.findByRole('heading', { name: 'cf-101' })).toBeTruthy();
    expect((await screen.findAllByText('1.4.0')).length).toBeGreaterThan(0);
    expect(screen.getAllByText('unknown: Chart.yaml is missing').length).toBe(2);
    expect(screen.getByText(/Ada/)).toBeTruthy();
    expect((await screen.findByRole('link', { name: 'cf-101 #4' })).getAttribute('href')).toBe('/releases/01release');
    expect(screen.getByText('commitMessage In "*[promotion:parallel-regions]*"')).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(screen.getByText('Your role "viewer" may not change products')).toBeTruthy();
  });

  it('saves reordered flows and lists the problems the server finds', async () => {
    storeToken('s3cret');
    const bodies: Product[] = [];
    stubFetch(
      routes((body) => {
        bodies.push(body);
        return jsonResponse(422, { code: 'validation_failed', message: 'the resource breaks 1 rule', details: [{ path: 'spec.concurrency.queueLimit', message: 'must be at least 1', rule: 'too-small' }] });
      }),
    );
    await renderRoutes(pages, '/products/cf-101');

    fireEvent.click(await screen.findByRole('button', { name: 'Move env-dependencies up' }));
    fireEvent.change(screen.getByLabelText(/Queue limit/), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('must be at least 1')).toBeTruthy();
    expect(screen.getByText(/spec\.concurrency\.queueLimit/)).toBeTruthy();
    expect(bodies[0]!.metadata.resourceVersion).toBe('3');
    expect(bodies[0]!.spec.promotionFlows!.map((flow) => flow.name)).toEqual(['env-dependencies', 'parallel-regions']);
    expect(bodies[0]!.spec.concurrency).toEqual({ policy: 'queue', queueLimit: 0 });
  });
});

describe('ProductSettingsForm version preview', () => {
  const template = (name: string, file: string, jsonPath: string) => ({ apiVersion: 'stagecoach.dev/v1alpha1', kind: 'PromotionTemplate', metadata: { name }, spec: { versionSource: { file, jsonPath } } });
  const previewed = {
    product: 'cf-101',
    environments: [
      { environment: 'dev', applications: [{ application: 'cf-101-dev', environment: 'dev', branch: 'main', version: '2.0.0-a1', commit: 'c0ffee' }] },
      { environment: 'qa', applications: [{ application: 'cf-101-qa', environment: 'qa', branch: 'main', reason: 'file "values.yaml" not found in envs/qa' }] },
    ],
  };

  /** The page's routes, with the preview answered by `preview`; the bodies it received are kept. */
  function routes(preview: (body: Product) => Response) {
    const bodies: Product[] = [];
    const fetchMock = stubFetch({
      '/api/v1/products/cf-101': () => jsonResponse(200, cf101),
      '/api/v1/products/cf-101/versions': () => jsonResponse(200, versions),
      '/api/v1/products/cf-101/versions/preview': (init) => {
        const body = JSON.parse(String(init?.body)) as Product;
        bodies.push(body);
        return preview(body);
      },
      '/api/v1/releases': () => jsonResponse(200, { items: [] }),
      '/api/v1/promotion-templates': () => jsonResponse(200, { items: [template('helm-default', 'Chart.yaml', '$.appVersion')] }),
      '/api/v1/promotion-flows': () => jsonResponse(200, { items: [] }),
    });
    return { bodies, fetchMock };
  }

  const table = () => screen.getByRole('table', { name: 'Version preview' });

  it('shows what an unsaved inline template resolves to, asking once the edits pause, even to a viewer', async () => {
    storeToken('s3cret');
    const { bodies, fetchMock } = routes(() => jsonResponse(200, previewed));
    await renderRoutes(pages, '/products/cf-101', 'viewer');

    expect(await screen.findByText('Resolved version per environment (saved settings: Chart.yaml at $.appVersion (template "helm-default"))')).toBeTruthy();
    await waitFor(() => expect(table().textContent).toContain('1.4.0'));

    fireEvent.click(screen.getByRole('radio', { name: 'Inline' }));
    fireEvent.change(screen.getByLabelText('Version file'), { target: { value: 'values.yaml' } });
    fireEvent.change(screen.getByLabelText('Version path'), { target: { value: '$.image.tag' } });
    expect(screen.getByText('Resolved version per environment (unsaved settings: values.yaml at $.image.tag)')).toBeTruthy();

    await waitFor(() => expect(table().getAttribute('aria-busy')).toBe('false'));
    expect(table().textContent).toContain('2.0.0-a1');
    expect(table().textContent).toContain('unknown: file "values.yaml" not found in envs/qa');
    expect(table().textContent).not.toContain('1.4.0');
    // One request for the three edits, with the saved product but the form's template.
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.metadata).toEqual(cf101.metadata);
    expect(bodies[0]!.spec).toEqual({
      promotionTemplate: { versionSource: { file: 'values.yaml', jsonPath: '$.image.tag' } },
      promotionFlows: cf101.spec.promotionFlows,
      concurrency: cf101.spec.concurrency,
    });
    expect(fetchMock.mock.calls.find(([url]) => String(url).endsWith('/versions/preview'))![1]!.method).toBe('POST');

    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(screen.getByText('Resolved version per environment (saved settings: Chart.yaml at $.appVersion (template "helm-default"))')).toBeTruthy();
    expect(table().textContent).toContain('1.4.0');
  });

  it('lists the problems the server finds in the unsaved template instead of the versions', async () => {
    storeToken('s3cret');
    const { bodies } = routes((body) =>
      body.spec.promotionTemplate?.versionSource?.jsonPath === '$.['
        ? jsonResponse(422, {
            code: 'validation_failed',
            message: 'Product "cf-101": spec.promotionTemplate.versionSource.jsonPath: expected a name after "."',
            details: [{ severity: 'error', rule: 'json-path', path: 'spec.promotionTemplate.versionSource.jsonPath', message: 'expected a name after "."' }],
          })
        : jsonResponse(200, previewed),
    );
    await renderRoutes(pages, '/products/cf-101');
    await screen.findByText(/saved settings: Chart\.yaml at \$\.appVersion/);

    fireEvent.click(screen.getByRole('radio', { name: 'Inline' }));
    fireEvent.change(screen.getByLabelText('Version file'), { target: { value: 'values.yaml' } });
    fireEvent.change(screen.getByLabelText('Version path'), { target: { value: '$.[' } });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('These settings would not be saved');
    expect(alert.textContent).toContain('spec.promotionTemplate.versionSource.jsonPath: expected a name after "."');
    expect(screen.queryByRole('table', { name: 'Version preview' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Version path'), { target: { value: '$.image.tag' } });
    await waitFor(() => expect(table().textContent).toContain('2.0.0-a1'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(bodies.map((body) => body.spec.promotionTemplate?.versionSource?.jsonPath)).toEqual(['$.[', '$.image.tag']);
  });
});
