import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Role } from '@stagecoach/core';
import { createLocalEngine, type LocalEngine } from '../adapters/workflows/local/index.ts';
import { openStore } from '../adapters/store/open.ts';
import type { App, AppEnv } from '../api/app.ts';
import { validationHook } from '../api/resources.ts';
import { registerWorkflowRunRoutes } from '../api/workflow-runs.ts';
import { systemClock } from '../clock.ts';
import { ResourceService } from '../resources/service.ts';
import type { Store } from '../store/port.ts';
import { WorkflowRunService } from './service.ts';

// The routes on a bare app (createApp's auth replaced by a header naming the role), over the real
// service, local engine and a SQLite store.

const TEST = { timeout: 60_000 };
let dir: string;
let store: Store;
let engine: LocalEngine;
let app: App;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecoach-runs-api-'));
  store = await openStore({ dataDir: join(dir, 'data') });
  let service: WorkflowRunService | undefined;
  engine = createLocalEngine({ root: dir, killGraceMs: 500, onChange: (id, status) => service?.record(id, status) });
  service = new WorkflowRunService({
    runs: store.workflowRuns,
    resources: new ResourceService(store, () => new Date()),
    engines: { local: engine, argo: undefined },
    defaultEngine: 'local',
    clock: systemClock,
  });
  await store.resources.put({
    kind: 'WorkflowTemplate',
    name: 'hello',
    body: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTemplate',
      metadata: { name: 'hello' },
      spec: {
        entrypoint: 'main',
        arguments: { parameters: [{ name: 'who' }] },
        templates: [{ name: 'main', script: { image: 'alpine', command: ['sh'], source: 'echo "hello {{workflow.parameters.who}}"' } }],
      },
    },
    now: '2026-01-01T10:00:00.000Z',
  });
  app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', async (c, next) => {
    c.set('actor', { role: (c.req.header('x-role') ?? 'member') as Role, name: 'tester' });
    await next();
  });
  registerWorkflowRunRoutes(app, service);
});

afterEach(async () => {
  await engine.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, init: { json?: unknown; role?: string; accept?: string } = {}) =>
  app.request(path, {
    method,
    headers: {
      ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.role ? { 'x-role': init.role } : {}),
      ...(init.accept ? { accept: init.accept } : {}),
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });

describe('workflow run routes', () => {
  it('start → get → list → logs; viewers may read but not start', TEST, async () => {
    const refused = await call('POST', '/api/v1/workflow-runs', { json: { template: 'hello', parameters: { who: 'x' } }, role: 'viewer' });
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), { code: 'forbidden', message: 'role "viewer" may not start workflow runs', details: [] });

    const bad = await call('POST', '/api/v1/workflow-runs', { json: { template: 'hello', labels: { team: 'x' } } });
    assert.equal(bad.status, 422, 'unknown label keys are refused');
    const missing = await call('POST', '/api/v1/workflow-runs', { json: { template: 'hello' } });
    assert.equal(missing.status, 422);
    assert.equal(((await missing.json()) as { details: unknown[] }).details.length, 1);
    assert.equal((await call('POST', '/api/v1/workflow-runs', { json: { template: 'nope' } })).status, 404);

    const created = await call('POST', '/api/v1/workflow-runs', { json: { template: 'hello', parameters: { who: 'world' }, labels: { product: 'shop' } } });
    assert.equal(created.status, 201);
    const run = (await created.json()) as { id: string; phase: string; nodes: unknown[] };

    let shown: { phase: string; nodes: { name: string; type: string }[]; outputs: Record<string, string> } = { phase: 'Pending', nodes: [], outputs: {} };
    for (let i = 0; i < 500 && !['Succeeded', 'Failed', 'Error'].includes(shown.phase); i++) {
      await sleep(20);
      const res = await call('GET', `/api/v1/workflow-runs/${run.id}`, { role: 'viewer' });
      assert.equal(res.status, 200);
      shown = (await res.json()) as typeof shown;
    }
    assert.equal(shown.phase, 'Succeeded');
    assert.deepEqual(shown.outputs, {});

    const list = await call('GET', '/api/v1/workflow-runs?product=shop&phase=Succeeded&template=hello', { role: 'viewer' });
    assert.deepEqual(((await list.json()) as { items: { id: string }[] }).items.map((r) => r.id), [run.id]);
    const none = await call('GET', '/api/v1/workflow-runs?product=bank');
    assert.deepEqual(await none.json(), { items: [] });
    assert.equal((await call('GET', '/api/v1/workflow-runs?phase=Done')).status, 422);

    const pod = shown.nodes.find((n) => n.type === 'Pod')!;
    const text = await call('GET', `/api/v1/workflow-runs/${run.id}/logs`);
    assert.equal(text.headers.get('content-type')?.startsWith('text/plain'), true);
    assert.equal(await text.text(), `${pod.name}: hello world\n`);
    const json = await call('GET', `/api/v1/workflow-runs/${run.id}/logs?node=${encodeURIComponent(pod.name)}`, { accept: 'application/json' });
    assert.deepEqual(await json.json(), { text: 'hello world\n' });
    assert.equal((await call('GET', `/api/v1/workflow-runs/${run.id}/logs?node=ghost`)).status, 404);
    assert.equal((await call('GET', '/api/v1/workflow-runs/nope')).status, 404);
  });

  it('terminate, retry and resubmit: 403 for viewers, 409 when the phase forbids, 201 for a resubmit', TEST, async () => {
    const created = await call('POST', '/api/v1/workflow-runs', { json: { template: 'hello', parameters: { who: 'world' } } });
    const { id } = (await created.json()) as { id: string };
    for (const verb of ['terminate', 'retry', 'resubmit']) {
      assert.equal((await call('POST', `/api/v1/workflow-runs/${id}/${verb}`, { role: 'viewer' })).status, 403, verb);
      assert.equal((await call('POST', `/api/v1/workflow-runs/nope/${verb}`)).status, 404, verb);
    }
    let phase = '';
    for (let i = 0; i < 500 && phase !== 'Succeeded'; i++) {
      await sleep(20);
      phase = ((await (await call('GET', `/api/v1/workflow-runs/${id}`)).json()) as { phase: string }).phase;
    }
    assert.equal((await call('POST', `/api/v1/workflow-runs/${id}/terminate`)).status, 409);
    assert.equal((await call('POST', `/api/v1/workflow-runs/${id}/retry`)).status, 409);
    const again = await call('POST', `/api/v1/workflow-runs/${id}/resubmit`);
    assert.equal(again.status, 201);
    assert.equal(((await again.json()) as { retryOf: string }).retryOf, id);
  });

  it('documents every route in OpenAPI', () => {
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    assert.deepEqual(Object.keys(doc.paths ?? {}).sort(), [
      '/api/v1/workflow-runs',
      '/api/v1/workflow-runs/{id}',
      '/api/v1/workflow-runs/{id}/logs',
      '/api/v1/workflow-runs/{id}/resubmit',
      '/api/v1/workflow-runs/{id}/retry',
      '/api/v1/workflow-runs/{id}/terminate',
    ]);
  });
});
