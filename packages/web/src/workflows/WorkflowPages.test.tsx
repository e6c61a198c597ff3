import type { WorkflowRunNode, WorkflowTemplate } from '@stagecoach/core';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { storeToken } from '../api.ts';
import { jsonResponse, stubFetch } from '../test/fetchStub.ts';
import type { WorkflowRunDetail } from './api.ts';
import { renderRoutes } from './testing.tsx';
import { WorkflowRunPage } from './WorkflowRunPage.tsx';
import { WorkflowsPage } from './WorkflowsPage.tsx';
import { WorkflowTemplatePage } from './WorkflowTemplatePage.tsx';

const pages = { '/workflows': WorkflowsPage, '/workflows/$name': WorkflowTemplatePage, '/workflow-runs/$id': WorkflowRunPage };

const failOnPurpose: WorkflowTemplate = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 'fail-on-purpose', resourceVersion: '1', annotations: { description: 'Exits 1 when SHOULD_FAIL is true' } },
  spec: {
    entrypoint: 'main',
    arguments: { parameters: [{ name: 'SHOULD_FAIL', value: 'true' }] },
    templates: [{ name: 'main', script: { image: 'alpine', command: ['sh'], source: 'echo passing\n' } }],
  },
};

function aNode(id: string, type: WorkflowRunNode['type'], phase: WorkflowRunNode['phase'], children: string[] = []): WorkflowRunNode {
  return { id, name: id, displayName: id, templateName: 'main', type, phase, outputs: [], children, startedAt: '2026-11-26T15:00:00Z', finishedAt: '2026-11-26T15:00:03Z' };
}

const run: WorkflowRunDetail = {
  id: 'run-1',
  template: 'fail-on-purpose',
  engine: 'local',
  phase: 'Failed',
  message: 'main failed: exit code 1',
  parameters: { SHOULD_FAIL: 'true' },
  labels: { product: 'cf-101' },
  attempts: 1,
  createdAt: '2026-11-26T15:00:00Z',
  updatedAt: '2026-11-26T15:00:03Z',
  startedAt: '2026-11-26T15:00:00Z',
  finishedAt: '2026-11-26T15:00:03Z',
  nodes: [aNode('run-1', 'Steps', 'Failed', ['pod-1']), { ...aNode('pod-1', 'Pod', 'Failed'), displayName: 'main', outputs: [{ name: 'digest', value: 'sha256:abc' }] }],
  outputs: {},
};

describe('WorkflowsPage', () => {
  it('lists templates with their parameters and filters the runs', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({
      '/api/v1/workflow-templates': () => jsonResponse(200, { items: [failOnPurpose] }),
      '/api/v1/workflow-runs': () => jsonResponse(200, { items: [run] }),
      '/api/v1/products': () => jsonResponse(200, { items: [] }),
      '/api/v1/environments': () => jsonResponse(200, { items: [] }),
    });
    await renderRoutes(pages, '/workflows?template=fail-on-purpose&status=Failed', 'viewer');

    expect((await screen.findByRole('link', { name: 'fail-on-purpose' })).getAttribute('href')).toBe('/workflows/fail-on-purpose');
    expect(screen.getByText('Exits 1 when SHOULD_FAIL is true')).toBeTruthy();
    expect(screen.getByText('SHOULD_FAIL=true')).toBeTruthy();
    expect((await screen.findByRole('link', { name: 'run-1' })).getAttribute('href')).toBe('/workflow-runs/run-1');
    const urls = fetchMock.mock.calls.map(([url]) => String(url));
    expect(urls).toContain('/api/v1/workflow-runs?template=fail-on-purpose&phase=Failed&limit=100');
    expect((screen.getByRole('button', { name: 'Add workflow template' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('WorkflowTemplatePage', () => {
  it('lists the problems the server finds on save', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({
      '/api/v1/workflow-templates/fail-on-purpose': (init) =>
        init?.method === 'PUT'
          ? jsonResponse(422, { code: 'validation_failed', message: 'the resource breaks 1 rule', details: [{ path: 'spec.entrypoint', message: 'entrypoint must name one of spec.templates', rule: 'unknown-reference' }] })
          : jsonResponse(200, failOnPurpose),
      '/api/v1/workflow-runs': () => jsonResponse(200, { items: [] }),
    });
    await renderRoutes(pages, '/workflows/fail-on-purpose');

    const editor = (await screen.findByLabelText('Template YAML')) as HTMLTextAreaElement;
    expect(editor.value).toContain('entrypoint: main');
    fireEvent.change(editor, { target: { value: editor.value.replace('entrypoint: main', 'entrypoint: nope') } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('entrypoint must name one of spec.templates')).toBeTruthy();
    expect(screen.getByText(/spec\.entrypoint/)).toBeTruthy();
    const put = fetchMock.mock.calls.find(([, init]) => init?.method === 'PUT');
    expect(JSON.parse(String(put![1]!.body)).spec.entrypoint).toBe('nope');
  });

  it('says when the YAML cannot be read, without calling the server', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({
      '/api/v1/workflow-templates/fail-on-purpose': () => jsonResponse(200, failOnPurpose),
      '/api/v1/workflow-runs': () => jsonResponse(200, { items: [] }),
    });
    await renderRoutes(pages, '/workflows/fail-on-purpose');
    const editor = await screen.findByLabelText('Template YAML');
    fireEvent.change(editor, { target: { value: 'a: [1, 2\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The YAML cannot be read')).toBeTruthy();
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'PUT')).toBe(false);
  });

  it('runs the template with its parameters and opens the run', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({
      '/api/v1/workflow-templates/fail-on-purpose': () => jsonResponse(200, failOnPurpose),
      '/api/v1/workflow-runs': (init) => (init?.method === 'POST' ? jsonResponse(201, { ...run, phase: 'Running' }) : jsonResponse(200, { items: [] })),
      '/api/v1/workflow-runs/run-1': () => jsonResponse(200, run),
      '/api/v1/workflow-runs/run-1/logs': () => new Response('failing as asked\n', { status: 200 }),
    });
    await renderRoutes(pages, '/workflows/fail-on-purpose');

    fireEvent.click(await screen.findByRole('button', { name: 'Run' }));
    const field = (await screen.findByLabelText(/SHOULD_FAIL/)) as HTMLInputElement;
    expect(field.value).toBe('true');
    fireEvent.change(field, { target: { value: 'false' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start run' }));
    await waitFor(() => expect(screen.getByLabelText('location').textContent).toBe('/workflow-runs/run-1'));
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === 'POST');
    expect(JSON.parse(String(post![1]!.body))).toEqual({ template: 'fail-on-purpose', parameters: { SHOULD_FAIL: 'false' } });
  });
});

describe('WorkflowRunPage', () => {
  it('shows the nodes, their outputs and the failed node log, with Retry and Resubmit for a member', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({
      '/api/v1/workflow-runs/run-1': () => jsonResponse(200, run),
      '/api/v1/workflow-runs/run-1/logs': () => new Response('failing as asked\n', { status: 200 }),
      '/api/v1/workflow-runs/run-1/retry': () => jsonResponse(200, { ...run, phase: 'Running' }),
    });
    await renderRoutes(pages, '/workflow-runs/run-1');

    expect(await screen.findByRole('heading', { name: 'run-1' })).toBeTruthy();
    expect(screen.getByText('main failed: exit code 1')).toBeTruthy();
    expect(screen.getByText('digest=sha256:abc')).toBeTruthy();
    expect(screen.getAllByText('3s').length).toBeGreaterThan(0);
    expect(await screen.findByText(/failing as asked/)).toBeTruthy();
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toContain('/api/v1/workflow-runs/run-1/logs?node=pod-1');
    expect(screen.getByRole('button', { name: 'Resubmit' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(fetchMock.mock.calls.some(([url, init]) => String(url).endsWith('/retry') && init?.method === 'POST')).toBe(true));
  });

  it('disables the commands for a viewer, with the reason', async () => {
    storeToken('s3cret');
    stubFetch({
      '/api/v1/workflow-runs/run-1': () => jsonResponse(200, run),
      '/api/v1/workflow-runs/run-1/logs': () => new Response('', { status: 200 }),
    });
    await renderRoutes(pages, '/workflow-runs/run-1', 'viewer');
    const retry = (await screen.findByRole('button', { name: 'Retry' })) as HTMLButtonElement;
    expect(retry.disabled).toBe(true);
    expect(screen.getByText('Your role "viewer" may not retry workflow runs')).toBeTruthy();
  });
});

/**
 * An event stream that stays open. The page's request for it is answered only on `open()`, so
 * that the reload the opening causes comes after the page's first read; `send` writes one event.
 */
function liveStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let id = 0;
  return {
    response: async () => {
      await opened;
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    },
    open,
    send(type: string, data: Record<string, unknown>, scope: { product?: string; release?: string } = {}) {
      id += 1;
      const event = { id: String(id), type, at: '2026-11-26T15:00:01Z', ...scope, data };
      controller.enqueue(new TextEncoder().encode(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`));
    },
  };
}

describe('WorkflowRunPage live', () => {
  it('reads the run again when the stream opens and on each workflow-node event of this run, not of another', async () => {
    storeToken('s3cret');
    const stream = liveStream();
    const { message: _message, finishedAt: _finishedAt, ...going } = run;
    let current: WorkflowRunDetail = { ...going, phase: 'Running', nodes: [aNode('run-1', 'Steps', 'Running', ['pod-1']), aNode('pod-1', 'Pod', 'Running')] };
    const fetchMock = stubFetch({
      '/api/v1/events': () => stream.response(),
      '/api/v1/workflow-runs/run-1': () => jsonResponse(200, current),
      '/api/v1/workflow-runs/run-1/logs': () => new Response('', { status: 200 }),
    });
    const runReads = () => fetchMock.mock.calls.filter(([url]) => String(url) === '/api/v1/workflow-runs/run-1').length;
    await renderRoutes(pages, '/workflow-runs/run-1');

    expect(await screen.findByRole('button', { name: 'Terminate' })).toBeTruthy();
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toContain('/api/v1/events?types=workflow-node');
    expect(runReads()).toBe(1);
    stream.open();
    await waitFor(() => expect(runReads()).toBe(2));

    current = { ...run, phase: 'Failed' };
    stream.send('workflow-node', { run: 'run-2', node: 'pod-9', phase: 'Failed' });
    stream.send('workflow-node', { run: 'run-1', node: 'pod-1', phase: 'Failed', previous: 'Running' }, { product: 'cf-101' });
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Terminate' })).toBeNull();
    expect(screen.getByText('main failed: exit code 1')).toBeTruthy();
    expect(runReads()).toBe(3);
  });
});

describe('WorkflowsPage live', () => {
  it('lists the runs again on workflow-node events of the products and release it shows', async () => {
    storeToken('s3cret');
    const stream = liveStream();
    let runs: WorkflowRunDetail[] = [];
    const fetchMock = stubFetch({
      '/api/v1/events': () => stream.response(),
      '/api/v1/workflow-templates': () => jsonResponse(200, { items: [failOnPurpose] }),
      '/api/v1/workflow-runs': () => jsonResponse(200, { items: runs }),
      '/api/v1/products': () => jsonResponse(200, { items: [] }),
      '/api/v1/environments': () => jsonResponse(200, { items: [] }),
    });
    const listReads = () => fetchMock.mock.calls.filter(([url]) => String(url).startsWith('/api/v1/workflow-runs?')).length;
    await renderRoutes(pages, '/workflows?product=cf-101');

    expect(await screen.findByText('No run matches these filters.')).toBeTruthy();
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toContain('/api/v1/events?product=cf-101&types=workflow-node');
    expect(listReads()).toBe(1);
    stream.open();
    await waitFor(() => expect(listReads()).toBe(2));
    runs = [run];
    stream.send('workflow-node', { run: 'run-1', phase: 'Pending' }, { product: 'cf-101' });
    expect((await screen.findByRole('link', { name: 'run-1' })).getAttribute('href')).toBe('/workflow-runs/run-1');
  });
});

describe('WorkflowTemplatePage for a new template', () => {
  it('starts from a skeleton, creates it with POST and opens it', async () => {
    storeToken('s3cret');
    const fetchMock = stubFetch({
      '/api/v1/workflow-templates': () => jsonResponse(201, { results: [{ kind: 'WorkflowTemplate', name: 'my-workflow', outcome: 'created', resourceVersion: '1' }] }),
      '/api/v1/workflow-templates/my-workflow': () => jsonResponse(200, { ...failOnPurpose, metadata: { name: 'my-workflow', resourceVersion: '1' } }),
      '/api/v1/workflow-runs': () => jsonResponse(200, { items: [] }),
    });
    await renderRoutes(pages, '/workflows/new');

    expect(await screen.findByRole('heading', { name: 'New workflow template' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Run' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByLabelText('location').textContent).toBe('/workflows/my-workflow'));
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === 'POST');
    expect(JSON.parse(String(post![1]!.body))).toMatchObject({ kind: 'WorkflowTemplate', metadata: { name: 'my-workflow' }, spec: { entrypoint: 'main' } });
  });
});
