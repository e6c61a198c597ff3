import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RunNotResumableError, type RunStatus, type SubmitRun } from '../../../workflows/port.ts';
import { startFakeArgoWorkflows, type FakeArgoWorkflows } from '../../../testing/fakes/argo-workflows.ts';
import { createArgoEngine, type ArgoEngine, type ArgoEngineOptions } from './engine.ts';
import { ArgoWorkflowsError } from './errors.ts';
import { argoNodeId } from './mapping.ts';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InNlY3JldC10b2tlbi12YWx1ZSJ9.c2VjcmV0';

const TEMPLATE: SubmitRun['template'] = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 'smoke' },
  spec: {
    entrypoint: 'main',
    serviceAccountName: 'runner',
    arguments: {
      parameters: [
        { name: 'url', value: 'http://default.invalid' },
        { name: 'retries', value: '3', description: 'attempts per probe' },
        { name: 'env', enum: ['qa', 'prod'] },
      ],
    },
    templates: [
      { name: 'main', steps: [[{ name: 'check', template: 'curl' }]] },
      {
        name: 'curl',
        retryStrategy: { limit: '{{workflow.parameters.retries}}' },
        container: { image: 'curlimages/curl:8.10.1', args: ['-fsS', '{{workflow.parameters.url}}'] },
        outputs: { parameters: [{ name: 'code', valueFrom: { path: '/tmp/code' }, globalName: 'smoke-code' }] },
      },
    ],
  },
};

function run(runId: string, parameters: Record<string, string> = { url: 'https://qa.example.com', env: 'qa' }): SubmitRun {
  return { runId, template: TEMPLATE, parameters };
}

async function rejection(promise: Promise<unknown>): Promise<ArgoWorkflowsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ArgoWorkflowsError, `expected an ArgoWorkflowsError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Watches a run, collecting every status and error. */
function collect(engine: ArgoEngine, wf: string) {
  const statuses: RunStatus[] = [];
  const errors: unknown[] = [];
  const stop = engine.watch(wf, (s) => statuses.push(s), { onError: (e) => errors.push(e) });
  return { statuses, errors, stop };
}

describe('Argo engine against the fake Argo Workflows server', () => {
  let argo: FakeArgoWorkflows;
  let options: ArgoEngineOptions;

  before(async () => {
    argo = await startFakeArgoWorkflows({ token: TOKEN, namespace: 'delivery' });
    options = { baseUrl: argo.url, token: TOKEN, namespace: 'delivery', pollIntervalMs: 20 };
  });
  after(() => argo.stop());

  describe('submit', () => {
    test('inline: one create request with the template spec, the run parameters as argument values and the run label', async () => {
      const engine = createArgoEngine({ ...options, baseUrl: `${argo.url}/` });
      const from = argo.requests.length;
      const { externalId } = await engine.submit(run('run-1'));

      assert.match(externalId, /^smoke-[a-z0-9]{5}$/);
      const sent = argo.requests.slice(from);
      assert.deepEqual(sent.map((r) => [r.method, r.path]), [['POST', '/api/v1/workflows/delivery']]);
      const body = sent[0]!.body as { namespace: string; workflow: { metadata: unknown; spec: Record<string, unknown> } };
      assert.equal(body.namespace, 'delivery');
      assert.deepEqual(body.workflow.metadata, { generateName: 'smoke-', namespace: 'delivery', labels: { 'stagecoach.dev/run-id': 'run-1' } });
      assert.deepEqual(body.workflow.spec, {
        ...TEMPLATE.spec,
        arguments: {
          parameters: [
            { name: 'url', value: 'https://qa.example.com' },
            { name: 'retries', value: '3', description: 'attempts per probe' },
            { name: 'env', enum: ['qa', 'prod'], value: 'qa' },
          ],
        },
      });
      assert.equal(sent[0]!.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(sent[0]!.headers['content-type'], 'application/json');
      assert.equal(argo.workflows.get(externalId)?.metadata.labels['stagecoach.dev/run-id'], 'run-1');
      assert.deepEqual(TEMPLATE.spec.arguments, {
        parameters: [
          { name: 'url', value: 'http://default.invalid' },
          { name: 'retries', value: '3', description: 'attempts per probe' },
          { name: 'env', enum: ['qa', 'prod'] },
        ],
      }, 'the template is not modified');
    });

    test('inline: serviceAccountName overrides the template', async () => {
      const engine = createArgoEngine({ ...options, serviceAccountName: 'stagecoach-runner' });
      const { externalId } = await engine.submit(run('run-sa'));
      assert.equal(argo.workflows.get(externalId)?.spec.serviceAccountName, 'stagecoach-runner');
    });

    test('a parameter left without a value is refused by the server → rejected, with its words', async () => {
      const engine = createArgoEngine(options);
      const error = await rejection(engine.submit(run('run-no-env', { url: 'https://qa.example.com' })));
      assert.equal(error.code, 'rejected');
      assert.equal(error.httpStatus, 400);
      assert.match(error.message, /^argo-workflows delivery: create workflow: refused \(HTTP 400: spec\.arguments\.env\.value is required\)$/);
    });

    test('a run id that cannot be a label value → rejected before any request', async () => {
      const engine = createArgoEngine(options);
      const from = argo.requests.length;
      const error = await rejection(engine.submit(run('run/1 with spaces')));
      assert.equal(error.code, 'rejected');
      assert.match(error.message, /run id "run\/1 with spaces" cannot be a label value/);
      assert.equal(argo.requests.length, from);
    });

    test('via WorkflowTemplate: creates the template, then submits it; next time updates it with its resourceVersion', async () => {
      const engine = createArgoEngine({ ...options, submitVia: 'workflow-template', serviceAccountName: 'stagecoach-runner' });
      let from = argo.requests.length;
      const first = await engine.submit(run('run-2'));
      let sent = argo.requests.slice(from);
      assert.deepEqual(sent.map((r) => [r.method, r.path]), [
        ['GET', '/api/v1/workflow-templates/delivery/smoke'],
        ['POST', '/api/v1/workflow-templates/delivery'],
        ['POST', '/api/v1/workflows/delivery/submit'],
      ]);
      assert.deepEqual(sent[1]!.body, { namespace: 'delivery', template: { ...TEMPLATE, metadata: { name: 'smoke', namespace: 'delivery' } } });
      assert.deepEqual(sent[2]!.body, {
        namespace: 'delivery',
        resourceKind: 'WorkflowTemplate',
        resourceName: 'smoke',
        submitOptions: { parameters: ['url=https://qa.example.com', 'env=qa'], labels: 'stagecoach.dev/run-id=run-2', generateName: 'smoke-', serviceAccount: 'stagecoach-runner' },
      });
      const created = argo.workflows.get(first.externalId)!;
      assert.deepEqual(created.spec.workflowTemplateRef, { name: 'smoke' });
      assert.equal(created.metadata.labels['stagecoach.dev/run-id'], 'run-2');

      const version = argo.templates.get('smoke')!.metadata.resourceVersion as string;
      from = argo.requests.length;
      await engine.submit(run('run-3'));
      sent = argo.requests.slice(from);
      assert.deepEqual(sent.map((r) => [r.method, r.path]), [
        ['GET', '/api/v1/workflow-templates/delivery/smoke'],
        ['PUT', '/api/v1/workflow-templates/delivery/smoke'],
        ['POST', '/api/v1/workflows/delivery/submit'],
      ]);
      assert.deepEqual(sent[1]!.body, { namespace: 'delivery', template: { ...TEMPLATE, metadata: { name: 'smoke', namespace: 'delivery', resourceVersion: version } } });
    });
  });

  describe('status', () => {
    test('follows the workflow from submitted to succeeded: phases, node types, outputs and globalOutputs', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-status'));
      assert.deepEqual(await engine.status(wf), { phase: 'Pending', nodes: [], globalOutputs: {} });

      argo.setNodePhase(wf, `${wf}[0].check`, 'Running', undefined, { templateName: 'curl' });
      let status = await engine.status(wf);
      assert.equal(status.phase, 'Running');
      assert.deepEqual(
        status.nodes.map((n) => [n.name, n.type, n.phase, n.templateName, n.displayName]),
        [
          [wf, 'Workflow', 'Running', 'main', wf],
          [`${wf}[0]`, 'StepGroup', 'Running', '', '[0]'],
          [`${wf}[0].check`, 'Pod', 'Running', 'curl', 'check'],
        ],
      );
      assert.deepEqual(status.nodes[0]!.children, [argoNodeId(wf, `${wf}[0]`)]);

      argo.setNodePhase(wf, `${wf}[0].check`, 'Succeeded', { parameters: [{ name: 'code', value: '200', globalName: 'smoke-code' }, { name: 'body', value: 'ok' }] });
      argo.setNodePhase(wf, `${wf}[0]`, 'Succeeded');
      argo.finish(wf, 'Succeeded');
      status = await engine.status(wf);
      assert.equal(status.phase, 'Succeeded');
      assert.ok(status.startedAt && status.finishedAt);
      const check = status.nodes.find((n) => n.displayName === 'check')!;
      assert.deepEqual(check.outputs, [{ name: 'code', value: '200', globalName: 'smoke-code' }, { name: 'body', value: 'ok' }]);
      assert.equal(check.phase, 'Succeeded');
      assert.ok(check.finishedAt);
      assert.deepEqual(status.globalOutputs, { 'smoke-code': '200' });
    });

    test('every Argo node phase and type the fake can hold maps to the port', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-table'));
      const rows: [string, string, string, string, string][] = [
        // node name suffix, Argo type, Argo phase, port type, port phase
        ['.pending', 'Pod', 'Pending', 'Pod', 'Pending'],
        ['.running', 'Pod', 'Running', 'Pod', 'Running'],
        ['.ok', 'Pod', 'Succeeded', 'Pod', 'Succeeded'],
        ['.skipped', 'Skipped', 'Skipped', 'Skipped', 'Skipped'],
        ['.omitted', 'Pod', 'Omitted', 'Pod', 'Skipped'],
        ['.failed', 'Pod', 'Failed', 'Pod', 'Failed'],
        ['.error', 'Pod', 'Error', 'Pod', 'Error'],
        ['.steps', 'Steps', 'Running', 'Steps', 'Running'],
        ['.dag', 'DAG', 'Running', 'DAG', 'Running'],
        ['.approve', 'Suspend', 'Running', 'Suspend', 'Running'],
        ['.fanout', 'TaskGroup', 'Running', 'StepGroup', 'Running'],
        ['.call', 'HTTP', 'Succeeded', 'Pod', 'Succeeded'],
      ];
      for (const [suffix, type, phase] of rows) argo.setNodePhase(wf, `${wf}${suffix}`, phase as 'Pending', undefined, { type });
      const status = await engine.status(wf);
      for (const [suffix, , , portType, portPhase] of rows) {
        const node = status.nodes.find((n) => n.name === `${wf}${suffix}`);
        assert.deepEqual([suffix, node?.type, node?.phase], [suffix, portType, portPhase]);
      }
      for (const phase of ['Failed', 'Error'] as const) {
        const { externalId } = await engine.submit(run(`run-${phase}`));
        argo.finish(externalId, phase, 'child failed');
        assert.deepEqual(await engine.status(externalId), { phase, message: 'child failed', startedAt: argo.workflows.get(externalId)!.status.startedAt, finishedAt: argo.workflows.get(externalId)!.status.finishedAt, nodes: [], globalOutputs: {} });
      }
    });

    test('an unknown workflow → not-found', async () => {
      const error = await rejection(createArgoEngine(options).status('nope-12345'));
      assert.equal(error.code, 'not-found');
      assert.equal(error.message, 'argo-workflows delivery/nope-12345: get workflow: not found (HTTP 404: workflows.argoproj.io "nope-12345" not found)');
    });
  });

  describe('terminate', () => {
    test('running nodes and the run become Terminated; finished nodes keep their phase; again is a no-op', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-term'));
      argo.setNodePhase(wf, `${wf}[0].check`, 'Succeeded');
      argo.setNodePhase(wf, `${wf}[1].deploy`, 'Running');
      const from = argo.requests.length;
      await engine.terminate(wf);
      assert.deepEqual(argo.requests.slice(from).map((r) => [r.method, r.path, r.body]), [['PUT', `/api/v1/workflows/delivery/${wf}/terminate`, { namespace: 'delivery', name: wf }]]);

      const status = await engine.status(wf);
      assert.equal(status.phase, 'Terminated');
      assert.equal(status.message, "Stopped with strategy 'Terminate'");
      assert.deepEqual(
        status.nodes.map((n) => [n.name, n.phase]).sort(),
        [
          [wf, 'Terminated'],
          [`${wf}[0]`, 'Terminated'],
          [`${wf}[0].check`, 'Succeeded'],
          [`${wf}[1]`, 'Terminated'],
          [`${wf}[1].deploy`, 'Terminated'],
        ],
      );
      await engine.terminate(wf); // argo-server answers 500 "cannot shutdown a completed workflow"
    });

    test('a completed run: terminate succeeds without changing it', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-done'));
      argo.finish(wf, 'Succeeded');
      await engine.terminate(wf);
      assert.equal((await engine.status(wf)).phase, 'Succeeded');
    });

    test('an unknown workflow → not-found', async () => {
      assert.equal((await rejection(createArgoEngine(options).terminate('nope-12345'))).code, 'not-found');
    });
  });

  describe('retry', () => {
    test('the same workflow runs again from its failed nodes; the succeeded ones are kept', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-retry'));
      argo.setNodePhase(wf, `${wf}[0].check`, 'Succeeded', { parameters: [{ name: 'ok', value: 'yes' }] });
      argo.setNodePhase(wf, `${wf}[1].deploy`, 'Failed', undefined, { message: 'exit code 1' });
      argo.setNodePhase(wf, `${wf}[1]`, 'Failed');
      argo.finish(wf, 'Failed', 'child failed');
      const from = argo.requests.length;
      await engine.retry!(wf);
      assert.deepEqual(argo.requests.slice(from).map((r) => [r.method, r.path, r.body]), [['PUT', `/api/v1/workflows/delivery/${wf}/retry`, { namespace: 'delivery', name: wf }]]);
      const status = await engine.status(wf);
      assert.equal(status.phase, 'Running');
      assert.equal(status.message, undefined);
      assert.deepEqual(
        status.nodes.map((n) => [n.name, n.phase, n.outputs.map((o) => o.value)]).sort(),
        [
          [wf, 'Running', []],
          [`${wf}[0]`, 'Running', []],
          [`${wf}[0].check`, 'Succeeded', ['yes']],
          [`${wf}[1]`, 'Running', []],
          [`${wf}[1].deploy`, 'Pending', []],
        ],
      );
    });

    test('a running workflow is refused; an unknown one cannot be resumed', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-retry-busy'));
      argo.setNodePhase(wf, `${wf}[0].check`, 'Running');
      const refused = await rejection(engine.retry!(wf));
      assert.equal(refused.code, 'rejected');
      assert.match(refused.message, /workflow must be Failed\/Error to retry/);
      await assert.rejects(engine.retry!('nope-12345'), (e: Error) => e instanceof RunNotResumableError && /nope-12345/.test(e.message));
    });
  });

  describe('logs', () => {
    test("the node's pod log from the main container, by node id or name", async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-logs'));
      argo.setNodePhase(wf, `${wf}[0].check`, 'Succeeded', undefined, { templateName: 'curl' });
      argo.setNodePhase(wf, `${wf}[0].other`, 'Succeeded', undefined, { templateName: 'curl' });
      argo.setLogs(wf, `${wf}[0].check`, ['probing https://qa.example.com', 'HTTP 200 ✓']);
      argo.setLogs(wf, `${wf}[0].check`, ['sidecar noise'], 'wait');
      argo.setLogs(wf, `${wf}[0].other`, ['not this one']);

      const from = argo.requests.length;
      assert.equal(await engine.logs(wf, argoNodeId(wf, `${wf}[0].check`)), 'probing https://qa.example.com\nHTTP 200 ✓');
      const logRequest = argo.requests.slice(from).find((r) => r.path.endsWith('/log'))!;
      assert.equal(logRequest.path, `/api/v1/workflows/delivery/${wf}/log`);
      assert.deepEqual(logRequest.query, { podName: argo.podName(wf, `${wf}[0].check`), 'logOptions.container': 'main' });
      assert.equal(await engine.logs(wf, `${wf}[0].check`), 'probing https://qa.example.com\nHTTP 200 ✓');
    });

    test('a Retry node shows its latest attempt; a group has no log; an unknown node → not-found', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-retry'));
      argo.setNodePhase(wf, `${wf}[0].check`, 'Running', undefined, { type: 'Retry', templateName: 'curl' });
      argo.setNodePhase(wf, `${wf}[0].check(0)`, 'Failed', undefined, { templateName: 'curl', parent: `${wf}[0].check` });
      argo.setNodePhase(wf, `${wf}[0].check(1)`, 'Succeeded', undefined, { templateName: 'curl', parent: `${wf}[0].check` });
      argo.setLogs(wf, `${wf}[0].check(0)`, ['attempt 0: refused']);
      argo.setLogs(wf, `${wf}[0].check(1)`, ['attempt 1: ok']);

      assert.equal(await engine.logs(wf, argoNodeId(wf, `${wf}[0].check`)), 'attempt 1: ok');
      assert.equal(await engine.logs(wf, argoNodeId(wf, `${wf}[0].check(0)`)), 'attempt 0: refused');
      assert.equal(await engine.logs(wf, argoNodeId(wf, `${wf}[0]`)), '');
      const retry = (await engine.status(wf)).nodes.find((n) => n.name === `${wf}[0].check`)!;
      assert.deepEqual([retry.type, retry.attempts], ['Pod', 2]);
      const error = await rejection(engine.logs(wf, 'no-such-node'));
      assert.equal(error.code, 'not-found');
      assert.match(error.message, /no node "no-such-node"/);
    });

    test('a long log keeps its end, within maxLogBytes', async () => {
      const engine = createArgoEngine({ ...options, maxLogBytes: 40 });
      const { externalId: wf } = await engine.submit(run('run-biglog'));
      argo.setNodePhase(wf, `${wf}.big`, 'Failed');
      const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}`);
      argo.setLogs(wf, `${wf}.big`, lines);
      const text = await engine.logs(wf, `${wf}.big`);
      assert.equal(text, ['…', ...lines.slice(-4)].join('\n'));
      assert.deepEqual(await engine.nodeLog(wf, `${wf}.big`), { text, truncated: true }, 'nodeLog says it was cut');
      argo.setLogs(wf, `${wf}.big`, lines.slice(-2));
      assert.deepEqual(await engine.nodeLog(wf, `${wf}.big`), { text: lines.slice(-2).join('\n'), truncated: false });
    });
  });

  describe('watch', () => {
    test('streams each change, then stops by itself at a terminal status', async () => {
      const engine = createArgoEngine({ ...options, pollIntervalMs: 60_000 });
      const { externalId: wf } = await engine.submit(run('run-watch'));
      const streamsBefore = argo.openStreams;
      const w = collect(engine, wf);
      await waitFor('the first status', () => w.statuses.length === 1);
      assert.equal(w.statuses[0]!.phase, 'Pending');
      const eventsRequest = argo.requests.findLast((r) => r.path === '/api/v1/workflow-events/delivery')!;
      assert.deepEqual(eventsRequest.query, { 'listOptions.fieldSelector': `metadata.name=${wf}` });
      assert.equal(eventsRequest.headers.authorization, `Bearer ${TOKEN}`);

      argo.setNodePhase(wf, `${wf}[0].check`, 'Running');
      await waitFor('Running', () => w.statuses.at(-1)?.phase === 'Running');
      argo.setNodePhase(wf, `${wf}[0].check`, 'Succeeded', { parameters: [{ name: 'code', value: '204', globalName: 'smoke-code' }] });
      argo.finish(wf, 'Succeeded');
      await waitFor('Succeeded', () => w.statuses.at(-1)?.phase === 'Succeeded');
      assert.deepEqual(w.statuses.at(-1)!.globalOutputs, { 'smoke-code': '204' });
      await waitFor('the stream to close', () => argo.openStreams === streamsBefore);
      assert.deepEqual(w.errors, []);
      const count = w.statuses.length;
      argo.setNodePhase(wf, `${wf}[0].late`, 'Running');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(w.statuses.length, count, 'nothing after the terminal status');
    });

    for (const how of ['end', 'error', 'destroy'] as const) {
      test(`falls back to polling when the stream is cut (${how})`, async () => {
        const engine = createArgoEngine(options);
        const { externalId: wf } = await engine.submit(run(`run-cut-${how}`));
        const w = collect(engine, wf);
        await waitFor('the first status', () => w.statuses.length === 1);
        argo.cutStreams(how);
        const from = argo.requests.length;
        argo.setNodePhase(wf, `${wf}[0].check`, 'Running');
        await waitFor('Running, polled', () => w.statuses.at(-1)?.phase === 'Running');
        argo.finish(wf, 'Failed', 'child failed');
        await waitFor('Failed, polled', () => w.statuses.at(-1)?.phase === 'Failed');
        assert.ok(argo.requests.slice(from).some((r) => r.method === 'GET' && r.path === `/api/v1/workflows/delivery/${wf}`));
        assert.deepEqual(w.statuses.map((s) => s.phase), ['Pending', 'Running', 'Failed']);
        assert.deepEqual(w.errors, []);
        const count = argo.requests.length;
        await new Promise((resolve) => setTimeout(resolve, 80));
        assert.equal(argo.requests.length, count, 'polling stops at a terminal status');
      });
    }

    test('polls from the start when the server does not stream; the returned function stops it', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-nostream'));
      argo.streaming = false;
      try {
        const w = collect(engine, wf);
        await waitFor('the first status', () => w.statuses.length === 1);
        argo.setNodePhase(wf, `${wf}[0].check`, 'Running');
        await waitFor('Running', () => w.statuses.at(-1)?.phase === 'Running');
        w.stop();
        await new Promise((resolve) => setTimeout(resolve, 30));
        const count = argo.requests.length;
        await new Promise((resolve) => setTimeout(resolve, 80));
        assert.equal(argo.requests.length, count, 'no request after stop');
        assert.deepEqual(w.errors, []);
      } finally {
        argo.streaming = true;
      }
    });

    test('an invalid event stream is not reported: it falls back to polling', async () => {
      const engine = createArgoEngine(options);
      const { externalId: wf } = await engine.submit(run('run-badstream'));
      argo.respondOnce('GET', '/api/v1/workflow-events/delivery', { status: 200, body: '{"result":{"type":"ADDED","object":{"metadata":{}}}}\n' });
      const w = collect(engine, wf);
      await waitFor('the first status', () => w.statuses.length === 1);
      argo.finish(wf, 'Succeeded');
      await waitFor('Succeeded, polled', () => w.statuses.at(-1)?.phase === 'Succeeded');
      assert.deepEqual(w.statuses.map((s) => s.phase), ['Pending', 'Succeeded']);
      assert.deepEqual(w.errors, []);
    });

    test('a workflow that does not exist: one not-found error, then nothing', async () => {
      const engine = createArgoEngine(options);
      const w = collect(engine, 'gone-12345');
      await waitFor('the error', () => w.errors.length === 1);
      assert.equal((w.errors[0] as ArgoWorkflowsError).code, 'not-found');
      await new Promise((resolve) => setTimeout(resolve, 80));
      assert.equal(w.errors.length, 1);
      assert.deepEqual(w.statuses, []);
    });
  });

  describe('failures', () => {
    test('a wrong token → unauthorized, and the token is in no message', async () => {
      const wrong = `${TOKEN}-wrong`;
      const engine = createArgoEngine({ ...options, token: wrong });
      argo.respondOnce('GET', '/api/v1/workflows/delivery/x-1', { status: 401, body: JSON.stringify({ code: 16, message: `token ${wrong} not valid` }) });
      const attempts = [() => engine.status('x-1'), () => engine.status('x-2'), () => engine.submit(run('run-x')), () => engine.terminate('x-3'), () => engine.logs('x-4', 'n')];
      for (const attempt of attempts) {
        const error = await rejection(attempt());
        assert.equal(error.code, 'unauthorized');
        assert.equal(error.httpStatus, 401);
        assert.ok(!error.message.includes(wrong) && !error.message.includes(TOKEN), error.message);
        assert.ok(!String(error.stack).includes(TOKEN));
      }
      const w = collect(engine, 'x-5');
      await waitFor('the error', () => w.errors.length === 1);
      assert.equal((w.errors[0] as ArgoWorkflowsError).code, 'unauthorized');
    });

    test('a server that is not there → unreachable', async () => {
      const gone = await startFakeArgoWorkflows({ token: TOKEN });
      const url = gone.url;
      await gone.stop();
      const error = await rejection(createArgoEngine({ ...options, baseUrl: url }).status('x'));
      assert.equal(error.code, 'unreachable');
      assert.match(error.message, /^argo-workflows delivery\/x: get workflow: cannot reach the server \(.*ECONNREFUSED.*\)$/);
    });

    test('a server that does not answer in time → unreachable (timed out)', async () => {
      const { createServer } = await import('node:http');
      const silent = createServer(() => {});
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as { port: number };
        const error = await rejection(createArgoEngine({ ...options, baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 100 }).status('x'));
        assert.equal(error.code, 'unreachable');
        assert.match(error.message, /timed out/);
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });

    test('invalid responses → invalid-response naming the field', async () => {
      const engine = createArgoEngine(options);
      const cases: [string, RegExp][] = [
        ['{"metadata":{"name":"x"},"status":{"phase":"Exploded"}}', /: get workflow: unexpected answer: workflow: status\.phase: /],
        ['{"metadata":{"name":"x"},"status":{"nodes":{"x-1":{"name":"x.a","type":"Pod"}}}}', /: unexpected answer: workflow: status\.nodes\.x-1\.id: /],
        ['{"metadata":{}}', /: unexpected answer: workflow: metadata\.name: /],
        ['<html>gateway</html>', /: unexpected answer: HTTP 200 with a body that is not JSON$/],
      ];
      for (const [body, message] of cases) {
        argo.respondOnce('GET', '/api/v1/workflows/delivery/x', { status: 200, body });
        const error = await rejection(engine.status('x'));
        assert.equal(error.code, 'invalid-response');
        assert.match(error.message, message);
      }
    });

    test('a server error that echoes the token has it replaced by ***', async () => {
      argo.respondOnce('GET', '/api/v1/workflows/delivery/echo', { status: 502, body: JSON.stringify({ code: 14, message: `upstream said Bearer ${TOKEN}` }) });
      const error = await rejection(createArgoEngine(options).status('echo'));
      assert.equal(error.code, 'unreachable');
      assert.equal(error.message, 'argo-workflows delivery/echo: get workflow: the server failed (HTTP 502: upstream said Bearer ***)');
    });

    test('another namespace than the token may use → unauthorized (403)', async () => {
      const error = await rejection(createArgoEngine({ ...options, namespace: 'kube-system' }).status('x'));
      assert.equal(error.code, 'unauthorized');
      assert.equal(error.httpStatus, 403);
    });
  });
});
