import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { jsonResponse, stubFetch, type Route } from '../test/fetchStub.ts';
import type { PromotionPreview } from './api.ts';
import { CommitChangesPage } from './CommitChangesPage.tsx';
import { renderPage } from './routerTesting.tsx';

const valuesBefore = 'image:\n  repository: ghcr.io/demo/cf-101\n  tag: 1.3.2\nreplicaCount: 2\n';
const preview: PromotionPreview = {
  product: 'cf-101',
  from: 'dev',
  to: 'qa',
  changeSets: [
    {
      application: 'cf-101-qa',
      source: { application: 'cf-101-dev', repoURL: '/repos/cf-101.git', branch: 'main', path: 'envs/dev', commit: 'abcdef1234567890' },
      target: { application: 'cf-101-qa', repoURL: '/repos/cf-101.git', branch: 'main', path: 'envs/qa', commit: 'abcdef1234567890' },
      templates: ['helm-default'],
      files: [
        {
          path: 'values.yaml',
          kind: 'yaml',
          edits: [{ path: '$.image.tag', old: '1.3.2', new: '1.4.0' }],
          before: valuesBefore,
          after: valuesBefore.replace('1.3.2', '1.4.0'),
          diff: '--- a/values.yaml\n+++ b/values.yaml\n@@ -1,4 +1,4 @@\n image:\n   repository: ghcr.io/demo/cf-101\n-  tag: 1.3.2\n+  tag: 1.4.0\n replicaCount: 2\n',
        },
      ],
      noChange: false,
      problems: [],
    },
  ],
  policy: {
    fields: {
      preAction: { value: 'smoke-tests', source: { type: 'policy', name: 'qa-checks', priority: 20 } },
      action: { value: 'commit', source: { type: 'default' } },
    },
    matched: [{ name: 'qa-checks', priority: 20 }],
    warnings: [],
  },
};

const workflows = { items: ['integration-tests', 'notify', 'smoke-tests'].map((name) => ({ metadata: { name } })) };

function stubApi(routes: Record<string, Route> = {}) {
  return stubFetch({
    '/api/v1/promotions/preview': () => jsonResponse(200, preview),
    '/api/v1/workflow-templates': () => jsonResponse(200, workflows),
    '/api/v1/promotions': () => jsonResponse(201, { id: '01rel', number: 1, title: 'cf-101 #1', status: 'Running' }),
    ...routes,
  });
}

function bodyOf(fetchMock: ReturnType<typeof stubFetch>, path: string): unknown {
  const call = fetchMock.mock.calls.find(([input]) => String(input) === path);
  return call === undefined ? undefined : JSON.parse(String(call[1]?.body));
}

const url = '/promote?product=cf-101&from=dev&to=qa';

beforeEach(() => {
  storeToken('s3cret');
});

describe('CommitChangesPage', () => {
  it('previews the promotion: settings with their sources, files and properties, and the diff', async () => {
    const fetchMock = stubApi();
    await renderPage(CommitChangesPage, { path: '/promote', url });

    expect(await screen.findByText('$.image.tag')).toBeTruthy();
    expect(bodyOf(fetchMock, '/api/v1/promotions/preview')).toEqual({ product: 'cf-101', from: 'dev', to: 'qa' });
    expect(screen.getByRole('heading', { name: 'Commit Changes' })).toBeTruthy();
    expect(screen.getByText('1.3.2 → 1.4.0')).toBeTruthy();

    const settings = screen.getByRole('region', { name: 'Promotion settings' });
    expect(within(settings).getByText('default')).toBeTruthy();
    expect(within(settings).getByText(/^from policy qa-checks/)).toBeTruthy();
    expect((within(settings).getByRole('combobox', { name: 'Pre-action workflow' }) as HTMLInputElement).value).toBe('smoke-tests');

    const diff = screen.getByRole('figure', { name: 'diff of cf-101-qa values.yaml' });
    expect(within(diff).getByText('tag: 1.4.0', { exact: false })).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Title' }) as HTMLInputElement).value).toBe('Promote cf-101 to qa: cf-101-qa');
  });

  it('promotes with only the changed settings, then opens the release', async () => {
    const fetchMock = stubApi();
    const { router } = await renderPage(CommitChangesPage, { path: '/promote', url });
    await screen.findByText('$.image.tag');

    fireEvent.click(screen.getByRole('radio', { name: 'Pull Request' }));
    expect(screen.getByText('changed here')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Promote' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/releases/01rel'));
    expect(bodyOf(fetchMock, '/api/v1/promotions')).toEqual({ product: 'cf-101', from: 'dev', to: 'qa', action: 'pr' });
  });

  it('removes the pre-action a policy sets when its select is cleared, and promotes with preAction null', async () => {
    const fetchMock = stubApi();
    const { router } = await renderPage(CommitChangesPage, { path: '/promote', url });
    await screen.findByText('$.image.tag');

    const settings = screen.getByRole('region', { name: 'Promotion settings' });
    const pre = within(settings).getByRole('combobox', { name: 'Pre-action workflow' }) as HTMLInputElement;
    expect(pre.value).toBe('smoke-tests');
    fireEvent.click(within(settings).getByRole('button', { name: 'Remove the pre-action workflow' }));

    await waitFor(() => expect(pre.value).toBe(''));
    expect(pre.placeholder).toBe('none (removed here)');
    expect(within(settings).getByText('removed here; smoke-tests from policy qa-checks')).toBeTruthy();
    const post = within(settings).getByRole('combobox', { name: 'Post-action workflow' }) as HTMLInputElement;
    expect(post.placeholder).toBe('none');
    fireEvent.click(screen.getByRole('button', { name: 'Promote' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/releases/01rel'));
    expect(bodyOf(fetchMock, '/api/v1/promotions')).toEqual({ product: 'cf-101', from: 'dev', to: 'qa', preAction: null });
  });

  it('asks which source application to promote from when the product has several there, and previews that one', async () => {
    const app = (name: string, environment: string) => ({
      apiVersion: 'stagecoach.dev/v1alpha1',
      kind: 'Application',
      metadata: { name },
      spec: { product: 'cf-101', environment, source: { repoURL: '/repos/cf-101.git', targetRevision: 'main', path: `envs/${environment}` } },
    });
    const fetchMock = stubApi({
      '/api/v1/applications': () => jsonResponse(200, { items: [app('cf-101-dev', 'dev'), app('cf-101-dev-canary', 'dev'), app('cf-101-qa', 'qa')] }),
      '/api/v1/promotions/preview': (init) =>
        (JSON.parse(String(init?.body)) as { application?: string }).application === undefined
          ? jsonResponse(422, {
              code: 'validation_failed',
              message: 'product "cf-101" has 2 applications in environment "dev": choose one',
              details: [{ severity: 'error', rule: 'ambiguous-application', message: 'product "cf-101" has 2 applications in environment "dev": choose one', path: 'application' }],
            })
          : jsonResponse(200, preview),
    });
    const { router } = await renderPage(CommitChangesPage, { path: '/promote', url });

    expect((await screen.findAllByText(/choose one/)).length).toBeGreaterThan(0);
    const picker = await screen.findByRole('combobox', { name: 'Source application' });
    fireEvent.click(picker);
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual(['cf-101-dev', 'cf-101-dev-canary']);
    fireEvent.click(screen.getByRole('option', { name: 'cf-101-dev-canary' }));

    await waitFor(() => expect(router.state.location.search).toEqual({ product: 'cf-101', from: 'dev', to: 'qa', application: 'cf-101-dev-canary' }));
    expect(await screen.findByText('$.image.tag')).toBeTruthy();
    expect(screen.getByText(/source application cf-101-dev-canary/)).toBeTruthy();
    const previews = fetchMock.mock.calls.filter(([input]) => String(input) === '/api/v1/promotions/preview').map(([, init]) => JSON.parse(String(init?.body)));
    expect(previews.at(-1)).toEqual({ product: 'cf-101', from: 'dev', to: 'qa', application: 'cf-101-dev-canary' });
  });

  it('lists every problem of a refused promotion', async () => {
    stubApi({
      '/api/v1/promotions': () =>
        jsonResponse(422, {
          code: 'validation_failed',
          message: '2 problems, the first: workflow "smoke-tests" does not exist',
          details: [
            { severity: 'error', rule: 'unknown-reference', message: 'workflow "smoke-tests" does not exist', path: 'preAction' },
            { severity: 'error', rule: 'missing-application', message: 'product "cf-101" has no application in "qa"', path: 'to' },
          ],
        }),
    });
    await renderPage(CommitChangesPage, { path: '/promote', url });
    await screen.findByText('$.image.tag');

    fireEvent.click(screen.getByRole('button', { name: 'Promote' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The promotion was refused')).toBeTruthy();
    expect(within(alert).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'preAction: workflow "smoke-tests" does not exist',
      'to: product "cf-101" has no application in "qa"',
    ]);
  });

  it('shows the preview error with its problems', async () => {
    stubApi({
      '/api/v1/promotions/preview': () =>
        jsonResponse(422, {
          code: 'validation_failed',
          message: 'product "cf-101" has no application in "perf"',
          details: [{ severity: 'error', rule: 'missing-application', message: 'product "cf-101" has no application in "perf"', path: 'to' }],
        }),
    });
    await renderPage(CommitChangesPage, { path: '/promote', url: '/promote?product=cf-101&from=dev&to=perf' });

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Could not preview this promotion')).toBeTruthy();
    expect(within(alert).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['to: product "cf-101" has no application in "perf"']);
  });

  it('says "no change" when the target already holds the values', async () => {
    stubApi({
      '/api/v1/promotions/preview': () =>
        jsonResponse(200, { ...preview, changeSets: [{ ...preview.changeSets[0], files: [], noChange: true }] }),
    });
    await renderPage(CommitChangesPage, { path: '/promote', url });

    expect(await screen.findByText('No change')).toBeTruthy();
    expect(screen.getByText('no change: the target already holds these values')).toBeTruthy();
  });

  it('keeps Promote disabled, saying why, for a viewer', async () => {
    stubApi();
    await renderPage(CommitChangesPage, { path: '/promote', url, role: 'viewer' });
    await screen.findByText('$.image.tag');

    expect((screen.getByRole('button', { name: 'Promote' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('Your role "viewer" may not promote')).toBeTruthy();
  });

  it('asks for the missing search parameters', async () => {
    stubApi();
    await renderPage(CommitChangesPage, { path: '/promote', url: '/promote?product=cf-101' });
    expect(await screen.findByText(/needs the search parameters from, to/)).toBeTruthy();
  });
});
