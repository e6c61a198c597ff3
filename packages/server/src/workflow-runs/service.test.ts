import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createArgoEngine } from '../adapters/workflows/argo/engine.ts';
import { createLocalEngine, interruptedStatus, type LocalEngine, type LocalEngineOptions } from '../adapters/workflows/local/index.ts';
import { openStore } from '../adapters/store/open.ts';
import { systemClock } from '../clock.ts';
import type { Result } from '../errors.ts';
import { ResourceService } from '../resources/service.ts';
import type { Store, StoredWorkflowRun } from '../store/port.ts';
import { startFakeArgoWorkflows, type FakeArgoWorkflows } from '../testing/fakes/argo-workflows.ts';
import { isTerminalPhase } from '../workflows/port.ts';
import { WorkflowRunService, type WorkflowRunDetail } from './service.ts';

// The service with the real local engine (host processes) and a real SQLite store in a
// temporary folder; Argo through its fake server (it cannot run here).

const TEST = { timeout: 60_000 };
const T0 = '2026-01-01T10:00:00.000Z';

let dir: string;
let store: Store;
let engine: LocalEngine;
let service: WorkflowRunService;

function script(name: string, source: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, script: { image: 'alpine:3.20', command: ['sh'], source, env: [{ name: 'SHARED', value: dir }] }, ...extra };
}

async function putTemplate(name: string, spec: Record<string, unknown>): Promise<void> {
  await store.resources.put({ kind: 'WorkflowTemplate', name, body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name }, spec }, now: T0 });
}

function value<T>(result: Result<T>): T {
  if (!result.ok) assert.fail(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Polls `get` until the run is terminal. */
async function finished(id: string, limitMs = 20_000): Promise<WorkflowRunDetail> {
  for (const start = Date.now(); Date.now() - start < limitMs; await sleep(20)) {
    const run = value(await service.get(id));
    if (isTerminalPhase(run.phase)) return run;
  }
  assert.fail(`run ${id} did not finish`);
}

/** Polls the store (not the service) until `check` holds: proves what `record` wrote. */
async function stored(id: string, check: (run: StoredWorkflowRun) => boolean, limitMs = 20_000): Promise<StoredWorkflowRun> {
  for (const start = Date.now(); Date.now() - start < limitMs; await sleep(20)) {
    const run = await store.workflowRuns.get(id);
    if (run && check(run)) return run;
  }
  assert.fail(`stored run ${id} never matched`);
}

/** Replaces the engine and the service (both closed first) by new ones over the same store. */
async function replaceEngine(options: Partial<LocalEngineOptions> = {}, wrap: (engine: LocalEngine) => LocalEngine = (e) => e): Promise<void> {
  await engine.close();
  await service.close();
  engine = createLocalEngine({ root: dir, maxParallel: 4, killGraceMs: 500, onChange: (id, status) => service.record(id, status), onLog: (id, node, log) => service.recordLog(id, node, log), ...options });
  service = new WorkflowRunService({
    runs: store.workflowRuns,
    logs: store.workflowLogs,
    resources: new ResourceService(store, () => new Date()),
    engines: { local: wrap(engine), argo: undefined },
    defaultEngine: 'local',
    clock: systemClock,
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecoach-runs-'));
  store = await openStore({ dataDir: join(dir, 'data') });
  engine = createLocalEngine({ root: dir, maxParallel: 4, killGraceMs: 500, onChange: (id, status) => service.record(id, status), onLog: (id, node, log) => service.recordLog(id, node, log) });
  service = new WorkflowRunService({
    runs: store.workflowRuns,
    logs: store.workflowLogs,
    resources: new ResourceService(store, () => new Date()),
    engines: { local: engine, argo: undefined },
    defaultEngine: 'local',
    clock: systemClock,
  });
  await putTemplate('smoke', {
    entrypoint: 'main',
    arguments: { parameters: [{ name: 'url' }, { name: 'env' }, { name: 'retries', value: '3' }] },
    templates: [
      { name: 'main', steps: [[{ name: 'check', template: 'check' }], [{ name: 'report', template: 'report' }]] },
      script('check', 'echo "checking {{workflow.parameters.url}}"; echo "env {{workflow.parameters.env}}"; echo 200 > /tmp/code', {
        outputs: { parameters: [{ name: 'code', valueFrom: { path: '/tmp/code' }, globalName: 'smoke-code' }] },
      }),
      script('report', 'echo "retries {{workflow.parameters.retries}}"'),
    ],
  });
});

afterEach(async () => {
  await engine.close();
  await service.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('WorkflowRunService with the local engine', () => {
  it('refuses an unknown template (404), missing parameters (422, every one) and an engine that is not configured (422)', TEST, async () => {
    const unknown = await service.start({ template: 'nope' });
    assert.deepEqual(unknown, { ok: false, error: { code: 'not_found', message: 'WorkflowTemplate "nope" not found', details: [] } });

    const missing = await service.start({ template: 'smoke', parameters: { other: 'x' } });
    assert.equal(missing.ok, false);
    if (missing.ok) return;
    assert.equal(missing.error.code, 'validation_failed');
    assert.equal(missing.error.message, 'workflow "smoke": 2 declared parameters have no value');
    assert.deepEqual(
      missing.error.details.map((p) => [p.rule, p.path, p.message, p.kind, p.name]),
      [
        ['missing-parameter', 'spec.arguments.parameters[0]', 'workflow "smoke" declares parameter "url" without a value, and this run does not provide it', 'WorkflowTemplate', 'smoke'],
        ['missing-parameter', 'spec.arguments.parameters[1]', 'workflow "smoke" declares parameter "env" without a value, and this run does not provide it', 'WorkflowTemplate', 'smoke'],
      ],
    );

    const argo = await service.start({ template: 'smoke', parameters: { url: 'u', env: 'qa' }, engine: 'argo' });
    assert.deepEqual(argo, { ok: false, error: { code: 'validation_failed', message: 'workflow engine "argo" is not configured on this server', details: [] } });
    assert.deepEqual(await store.workflowRuns.list(), [], 'nothing stored for a refused start');
  });

  it('starts a run with only the declared parameters, records every status from onChange, and shows nodes and outputs', TEST, async () => {
    const started = value(
      await service.start({ template: 'smoke', parameters: { url: 'https://qa.example', env: 'qa', undeclared: 'dropped' }, labels: { product: 'shop', environment: 'qa' } }),
    );
    assert.equal(started.template, 'smoke');
    assert.equal(started.engine, 'local');
    assert.equal(started.externalId, started.id, 'the local engine keeps the run id');
    assert.deepEqual(started.parameters, { url: 'https://qa.example', env: 'qa' });
    assert.deepEqual(started.labels, { product: 'shop', environment: 'qa' });
    assert.equal(started.attempts, 1);

    // Only the engine's onChange → record writes this: nobody calls get.
    const done = await stored(started.id, (r) => r.phase === 'Succeeded' && r.status.nodes.every((n) => isTerminalPhase(n.phase)));
    assert.equal(done.finishedAt, done.status.finishedAt);
    assert.deepEqual(done.status.globalOutputs, { 'smoke-code': '200' });

    const shown = value(await service.get(started.id));
    assert.equal(shown.phase, 'Succeeded');
    assert.deepEqual(shown.outputs, { 'smoke-code': '200' });
    const check = shown.nodes.find((n) => n.displayName === 'check');
    assert.ok(check);
    assert.deepEqual(check.outputs, [{ name: 'code', value: '200', globalName: 'smoke-code' }]);
    assert.deepEqual(Object.keys(shown).sort(), ['attempts', 'createdAt', 'engine', 'externalId', 'finishedAt', 'id', 'labels', 'nodes', 'outputs', 'parameters', 'phase', 'startedAt', 'template', 'updatedAt']);

    const listed = await service.list({ product: 'shop' });
    assert.deepEqual(listed.map((r) => r.id), [started.id]);
    assert.ok(!('nodes' in listed[0]!) && !('externalId' in listed[0]!), 'lists carry no nodes');
    assert.deepEqual(await service.list({ product: 'bank' }), []);
    assert.deepEqual((await service.list({ phase: 'Succeeded', template: 'smoke' })).length, 1);
    assert.deepEqual(await service.get('nope'), { ok: false, error: { code: 'not_found', message: 'workflow run "nope" not found', details: [] } });
  });

  it('logs: one node by name or id, or every process node with its name before each line', TEST, async () => {
    const run = value(await service.start({ template: 'smoke', parameters: { url: 'https://qa.example', env: 'qa' } }));
    const done = await finished(run.id);
    const check = done.nodes.find((n) => n.displayName === 'check')!;
    const report = done.nodes.find((n) => n.displayName === 'report')!;
    assert.equal(value(await service.logs(run.id, check.name)), 'checking https://qa.example\nenv qa\n');
    assert.equal(value(await service.logs(run.id, check.id)), 'checking https://qa.example\nenv qa\n');
    assert.equal(value(await service.logs(run.id)), `${check.name}: checking https://qa.example\n${check.name}: env qa\n${report.name}: retries 3\n`);
    const unknown = await service.logs(run.id, 'ghost');
    assert.equal(!unknown.ok && unknown.error.code, 'not_found');
  });

  it('terminates a running run; a finished one cannot be terminated (409)', TEST, async () => {
    await putTemplate('slow', { entrypoint: 'main', templates: [script('main', 'echo started > "$SHARED/started"; sleep 30')] });
    const run = value(await service.start({ template: 'slow' }));
    await stored(run.id, (r) => r.phase === 'Running');
    const stopped = value(await service.terminate(run.id));
    assert.ok(['Terminated', 'Running'].includes(stopped.phase), stopped.phase);
    const end = await finished(run.id);
    assert.equal(end.phase, 'Terminated');
    const again = await service.terminate(run.id);
    assert.deepEqual(again, { ok: false, error: { code: 'conflict', message: `workflow run "${run.id}" is Terminated; only a Pending or Running one can be terminated`, details: [] } });
  });

  it('retries a failed run under the same id as a new attempt of the same engine run, and resubmits as a new run', TEST, async () => {
    // Fails the first time (no marker yet), succeeds after.
    await putTemplate('flaky', {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'who' }] },
      templates: [script('main', 'echo "hello {{workflow.parameters.who}}"; if [ -f "$SHARED/marker" ]; then exit 0; fi; touch "$SHARED/marker"; exit 1')],
    });
    const run = value(await service.start({ template: 'flaky', parameters: { who: 'world' }, labels: { release: 'r1' } }));
    assert.equal((await finished(run.id)).phase, 'Failed');

    const retried = value(await service.retry(run.id));
    assert.equal(retried.id, run.id);
    assert.equal(retried.attempts, 2);
    assert.equal(retried.externalId, run.externalId, 'the engine resumes the same run');
    assert.equal(retried.message, undefined);
    const done = await finished(run.id);
    assert.equal(done.phase, 'Succeeded');
    assert.equal(done.attempts, 2);
    assert.deepEqual(done.parameters, { who: 'world' });
    assert.equal(value(await service.logs(run.id)).trim().endsWith('hello world'), true);
    const refused = await service.retry(run.id);
    assert.deepEqual(refused, { ok: false, error: { code: 'conflict', message: `workflow run "${run.id}" is Succeeded; only a Failed, Error or Terminated one can be retried`, details: [] } });

    const again = value(await service.resubmit(run.id));
    assert.notEqual(again.id, run.id);
    assert.equal(again.retryOf, run.id);
    assert.equal(again.attempts, 1);
    assert.deepEqual(again.parameters, { who: 'world' });
    assert.deepEqual(again.labels, { release: 'r1' });
    assert.equal((await finished(again.id)).phase, 'Succeeded');
    assert.deepEqual((await service.list({ release: 'r1' })).map((r) => r.id), [again.id, run.id]);
  });

  it('retry resumes from the failed step: the step that succeeded does not run again', TEST, async () => {
    await putTemplate('two-steps', {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'one', template: 'one' }], [{ name: 'two', template: 'two' }]] },
        script('one', 'echo x >> "$SHARED/one-runs"'),
        script('two', '[ -f "$SHARED/ready" ]'),
      ],
    });
    const run = value(await service.start({ template: 'two-steps' }));
    const failed = await finished(run.id);
    assert.equal(failed.phase, 'Failed');
    await writeFile(join(dir, 'ready'), '');
    const retried = value(await service.retry(run.id));
    assert.deepEqual([retried.externalId, retried.attempts], [run.id, 2]);
    const done = await finished(run.id);
    assert.equal(done.phase, 'Succeeded', done.message);
    assert.deepEqual(done.nodes.map((n) => [n.displayName, n.phase]), [[run.id, 'Succeeded'], ['[0]', 'Succeeded'], ['one', 'Succeeded'], ['[1]', 'Succeeded'], ['two', 'Succeeded']]);
    assert.equal(await readFile(join(dir, 'one-runs'), 'utf8'), 'x\n', 'step one ran once');
  });

  it('retry submits the run again from the start when the engine lost it in a restart, and says so', TEST, async () => {
    await putTemplate('flaky', {
      entrypoint: 'main',
      templates: [script('main', 'if [ -f "$SHARED/marker" ]; then exit 0; fi; touch "$SHARED/marker"; exit 1')],
    });
    const run = value(await service.start({ template: 'flaky' }));
    assert.equal((await finished(run.id)).phase, 'Failed');
    // A restart: a new local engine that has never seen the run.
    const restarted = createLocalEngine({ root: dir, maxParallel: 4, killGraceMs: 500, onChange: (id, status) => runs.record(id, status) });
    const runs = new WorkflowRunService({ runs: store.workflowRuns, resources: new ResourceService(store, () => new Date()), engines: { local: restarted, argo: undefined }, defaultEngine: 'local', clock: systemClock });
    try {
      const retried = value(await runs.retry(run.id));
      assert.deepEqual([retried.externalId, retried.attempts], [`${run.id}-2`, 2]);
      assert.equal(
        retried.message,
        `attempt 2 was submitted again from the start, so every node runs again: local engine: cannot resume run "${run.id}": it is not in this process (a restart forgets every run, and a finished run is forgotten a while after it ends)`,
        'one pair of parentheses, never two closing ones in a row',
      );
      assert.doesNotMatch(retried.message ?? '', /\)\)/);
      await restarted.settled(`${run.id}-2`);
      assert.equal((await stored(run.id, (r) => isTerminalPhase(r.phase))).phase, 'Succeeded');
    } finally {
      await restarted.close();
    }
  });

  it('records an Error when the engine refuses the template', TEST, async () => {
    await putTemplate('broken', { entrypoint: 'missing', templates: [script('main', 'true')] });
    const run = value(await service.start({ template: 'broken' }));
    const done = await finished(run.id);
    assert.equal(done.phase, 'Error');
    assert.match(done.message ?? '', /the local engine cannot run WorkflowTemplate "broken"/);
    assert.ok(done.finishedAt);
  });

  it('recoverInterrupted marks unfinished local runs Error and leaves Argo and finished runs alone', TEST, async () => {
    const base: StoredWorkflowRun = {
      id: 'r-local',
      template: 'smoke',
      engine: 'local',
      externalId: 'r-local',
      phase: 'Running',
      parameters: {},
      status: {
        phase: 'Running',
        startedAt: T0,
        nodes: [{ id: 'n1', name: 'r-local', displayName: 'r-local', templateName: 'main', type: 'Pod', phase: 'Running', outputs: [], children: [] }],
        globalOutputs: {},
      },
      labels: {},
      attempts: 1,
      createdAt: T0,
      updatedAt: T0,
    };
    await store.workflowRuns.create(base);
    await store.workflowRuns.create({ ...base, id: 'r-pending', externalId: 'r-pending', phase: 'Pending', status: { phase: 'Pending', nodes: [], globalOutputs: {} } });
    await store.workflowRuns.create({ ...base, id: 'r-argo', engine: 'argo', externalId: 'smoke-abcde' });
    await store.workflowRuns.create({ ...base, id: 'r-done', phase: 'Succeeded', status: { ...base.status, phase: 'Succeeded' }, finishedAt: T0 });

    assert.equal(await service.recoverInterrupted(interruptedStatus), 2);
    const local = (await store.workflowRuns.get('r-local'))!;
    assert.equal(local.phase, 'Error');
    assert.equal(local.status.message, 'interrupted by a server restart');
    assert.equal(local.status.nodes[0]!.phase, 'Error');
    assert.equal(local.finishedAt, local.status.finishedAt);
    assert.equal((await store.workflowRuns.get('r-pending'))!.phase, 'Error');
    assert.equal((await store.workflowRuns.get('r-argo'))!.phase, 'Running');
    assert.equal((await store.workflowRuns.get('r-done'))!.phase, 'Succeeded');
    // A late notification cannot reopen it.
    await service.record('r-local', { phase: 'Running', nodes: [], globalOutputs: {} });
    assert.equal((await store.workflowRuns.get('r-local'))!.phase, 'Error');
  });

  it('adoptOrphan marks a local run no engine here knows Error, and leaves this process\'s own runs alone', TEST, async () => {
    const orphan: StoredWorkflowRun = {
      id: 'r-orphan',
      template: 'smoke',
      engine: 'local',
      externalId: 'r-orphan',
      phase: 'Running',
      parameters: {},
      status: { phase: 'Running', startedAt: T0, nodes: [], globalOutputs: {} },
      labels: { release: 'rel-1' },
      attempts: 1,
      createdAt: T0,
      updatedAt: T0,
    };
    await store.workflowRuns.create(orphan);
    assert.equal(await service.adoptOrphan('r-orphan', interruptedStatus), true);
    const adopted = (await store.workflowRuns.get('r-orphan'))!;
    assert.equal(adopted.phase, 'Error');
    assert.equal(adopted.status.message, 'interrupted by a server restart');
    assert.equal(await service.adoptOrphan('r-orphan', interruptedStatus), false, 'a finished run is left alone');
    const mine = value(await service.start({ template: 'smoke', parameters: { url: 'https://qa.example', env: 'qa' } }));
    assert.equal(await service.adoptOrphan(mine.id, interruptedStatus), false);
    assert.notEqual((await store.workflowRuns.get(mine.id))!.phase, 'Error');
    await finished(mine.id);
  });

  it('keeps each finished node\'s log in the store under the run\'s attempt, and reads it there once the engine forgot the run', TEST, async () => {
    await replaceEngine({ forgetAfterMs: 0 });
    const run = value(await service.start({ template: 'smoke', parameters: { url: 'https://qa.example', env: 'qa' } }));
    const done = await finished(run.id);
    const check = done.nodes.find((n) => n.displayName === 'check')!;
    const report = done.nodes.find((n) => n.displayName === 'report')!;
    // Handed over, then forgotten: the engine no longer knows the run.
    for (const start = Date.now(); Date.now() - start < 20_000; await sleep(20)) {
      if (await engine.status(run.id).then(() => false, () => true)) break;
    }
    await assert.rejects(engine.status(run.id), /no run/);
    const kept = await store.workflowLogs.list(run.id);
    assert.deepEqual(
      kept.map((l) => [l.nodeId, l.attempt, l.text, l.truncated]).sort(),
      [
        [check.id, 1, 'checking https://qa.example\nenv qa\n', false],
        [report.id, 1, 'retries 3\n', false],
      ].sort(),
    );
    assert.equal(value(await service.logs(run.id, check.name)), 'checking https://qa.example\nenv qa\n');
    assert.equal(value(await service.logs(run.id)), `${check.name}: checking https://qa.example\n${check.name}: env qa\n${report.name}: retries 3\n`);
  });

  it('caps a node that prints megabytes at 1 MiB in the store, over all its attempts, and records the truncation', TEST, async () => {
    await putTemplate('noisy', {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'flood', template: 'flood' }, { name: 'again', template: 'again' }]] },
        script('flood', 'head -c 3000000 /dev/zero | tr "\\0" x; echo; echo done'),
        // 700 KB per attempt, three attempts: each is below the cap, the node is not.
        script('again', 'head -c 700000 /dev/zero | tr "\\0" y; echo; exit 1', { retryStrategy: { limit: 2 } }),
      ],
    });
    const run = value(await service.start({ template: 'noisy' }));
    const done = await finished(run.id, 40_000);
    assert.equal(done.phase, 'Failed');
    const flood = done.nodes.find((n) => n.displayName === 'flood')!;
    const again = done.nodes.find((n) => n.displayName === 'again')!;
    for (const [node, letter] of [[flood, 'x'], [again, 'y']] as const) {
      const log = await store.workflowLogs.get(run.id, node.id);
      assert.ok(log, `a log for ${node.displayName}`);
      assert.equal(log.truncated, true, node.displayName);
      assert.ok(Buffer.byteLength(log.text) <= 1024 * 1024 + 64, `${node.displayName}: ${Buffer.byteLength(log.text)} bytes`);
      assert.match(log.text, /\n… log truncated after 1048576 bytes$/);
      assert.ok(log.text.includes(letter.repeat(1000)));
    }
    assert.match((await store.workflowLogs.get(run.id, again.id))!.text, /^--- attempt 1 ---\ny{1000}/);
    assert.match(value(await service.logs(run.id, flood.name)), /^x{1000}/);
  });

  it('start with a caller-chosen id creates the run under it; calling again, even at the same time, returns it and submits nothing', TEST, async () => {
    let submits = 0;
    await replaceEngine({}, (e) => ({ ...e, submit: (run) => ((submits += 1), e.submit(run)) }));
    await putTemplate('other', { entrypoint: 'main', templates: [script('main', 'true')] });
    const ask = { id: 'rel-42.pre-qa', template: 'smoke', parameters: { url: 'https://qa.example', env: 'qa' } };

    const missing = await service.start({ ...ask, parameters: {} });
    assert.equal(!missing.ok && missing.error.code, 'validation_failed');
    assert.equal(await store.workflowRuns.get(ask.id), undefined, 'a refused start stores nothing');

    const [first, second] = await Promise.all([service.start(ask), service.start(ask)]);
    assert.equal(value(first).id, ask.id);
    assert.equal(value(second).id, ask.id);
    assert.equal(submits, 1, 'one submission for two concurrent calls');
    assert.equal((await finished(ask.id)).phase, 'Succeeded');
    const later = value(await service.start(ask));
    assert.deepEqual([later.id, later.phase, submits], [ask.id, 'Succeeded', 1]);
    assert.deepEqual((await service.list({ template: 'smoke' })).map((r) => r.id), [ask.id]);

    assert.deepEqual(await service.start({ ...ask, template: 'other' }), {
      ok: false,
      error: { code: 'conflict', message: 'workflow run "rel-42.pre-qa" already exists for WorkflowTemplate "smoke", not "other"', details: [] },
    });
    for (const bad of ['', 'has space', '-leading', 'trailing.', 'x'.repeat(57)]) {
      const refused = await service.start({ ...ask, id: bad });
      assert.equal(!refused.ok && refused.error.code, 'validation_failed', JSON.stringify(bad));
    }
    assert.equal(submits, 1);
  });
});

describe('WorkflowRunService with the Argo engine (fake Argo Workflows server)', () => {
  const TOKEN = 'test-token';
  let argo: FakeArgoWorkflows;
  before(async () => {
    argo = await startFakeArgoWorkflows({ token: TOKEN, namespace: 'delivery' });
  });
  after(() => argo.stop());

  /** A runs service with the Argo engine (polling fast when the event stream is cut) and the log store. */
  function argoService(): WorkflowRunService {
    return new WorkflowRunService({
      runs: store.workflowRuns,
      logs: store.workflowLogs,
      resources: new ResourceService(store, () => new Date()),
      engines: { local: engine, argo: createArgoEngine({ baseUrl: argo.url, token: TOKEN, namespace: 'delivery', pollIntervalMs: 50 }) },
      defaultEngine: 'argo',
      clock: systemClock,
    });
  }

  async function until(check: () => boolean, what: string): Promise<void> {
    for (const start = Date.now(); Date.now() - start < 20_000; await sleep(20)) if (check()) return;
    assert.fail(`${what} never happened`);
  }

  it('follows a run in the background: every change, and each finished node\'s log, reach the store without anyone reading the run', TEST, async () => {
    const runs = argoService();
    try {
      const run = value(await runs.start({ template: 'smoke', parameters: { url: 'https://qa.example', env: 'qa' } }));
      const wf = run.externalId!;
      argo.setNodePhase(wf, `${wf}[0].check`, 'Running');
      await stored(run.id, (r) => r.phase === 'Running' && r.status.nodes.some((n) => n.name === `${wf}[0].check` && n.phase === 'Running'));
      argo.setLogs(wf, `${wf}[0].check`, ['checking', 'ok']);
      argo.setNodePhase(wf, `${wf}[0].check`, 'Succeeded', { parameters: [{ name: 'code', value: '200', globalName: 'smoke-code' }] });
      argo.finish(wf, 'Succeeded');
      const done = await stored(run.id, (r) => r.phase === 'Succeeded');
      assert.deepEqual(done.status.globalOutputs, { 'smoke-code': '200' });
      assert.ok(done.finishedAt);
      const check = done.status.nodes.find((n) => n.name === `${wf}[0].check`)!;
      const log = await store.workflowLogs.get(run.id, check.id);
      assert.deepEqual(log, { runId: run.id, nodeId: check.id, attempt: 1, text: 'checking\nok', truncated: false });
      await until(() => argo.openStreams === 0, 'the watch stopping after the terminal status');
      // The log is read from the store now: no more log requests reach Argo.
      const asked = argo.requests.filter((r) => r.path.endsWith('/log')).length;
      assert.equal(value(await runs.logs(run.id, check.name)), 'checking\nok');
      assert.equal(argo.requests.filter((r) => r.path.endsWith('/log')).length, asked);
    } finally {
      await runs.close();
    }
  });

  it('follows the unfinished runs it finds at start, and stops following on close', TEST, async () => {
    const before = argoService();
    const one = value(await before.start({ template: 'smoke', parameters: { url: 'u', env: 'qa' } }));
    const two = value(await before.start({ template: 'smoke', parameters: { url: 'u', env: 'prod' } }));
    await before.close();
    await until(() => argo.openStreams === 0, 'close ending the watches');

    const after = argoService();
    try {
      assert.equal(await after.followUnfinished(), 2);
      await until(() => argo.openStreams === 2, 'both runs watched');
      argo.finish(one.externalId!, 'Failed', 'child failed');
      const failed = await stored(one.id, (r) => isTerminalPhase(r.phase));
      assert.deepEqual([failed.phase, failed.status.message], ['Failed', 'child failed']);
    } finally {
      await after.close();
    }
    await until(() => argo.openStreams === 0, 'close ending the watches');
    assert.equal((await store.workflowRuns.get(two.id))!.phase, 'Pending');
  });

  it('submits, refreshes the status on get until terminal, terminates, and reads logs by node', TEST, async (t) => {
    const argoEngine = createArgoEngine({ baseUrl: argo.url, token: TOKEN, namespace: 'delivery' });
    const runs = new WorkflowRunService({
      runs: store.workflowRuns,
      resources: new ResourceService(store, () => new Date()),
      engines: { local: engine, argo: argoEngine },
      defaultEngine: 'argo',
      clock: systemClock,
    });
    t.after(() => runs.close());
    const run = value(await runs.start({ template: 'smoke', parameters: { url: 'https://qa.example', env: 'qa' } }));
    assert.equal(run.engine, 'argo');
    const wf = run.externalId!;
    assert.ok(argo.workflows.has(wf));
    assert.equal(run.phase, 'Pending');

    argo.setNodePhase(wf, `${wf}[0].check`, 'Running');
    argo.setLogs(wf, `${wf}[0].check`, ['checking', 'ok']);
    const running = value(await runs.get(run.id));
    assert.equal(running.phase, 'Running');
    assert.ok(running.nodes.some((n) => n.name === `${wf}[0].check` && n.phase === 'Running'));
    assert.equal((await store.workflowRuns.get(run.id))!.phase, 'Running', 'get stores what it read');

    assert.equal(value(await runs.logs(run.id, `${wf}[0].check`)), 'checking\nok');
    assert.equal(value(await runs.logs(run.id)), `${wf}[0].check: checking\n${wf}[0].check: ok\n`);

    const stopped = value(await runs.terminate(run.id));
    assert.equal(stopped.phase, 'Terminated');
    assert.ok(stopped.finishedAt);
    const again = await runs.get(run.id);
    assert.equal(value(again).phase, 'Terminated');

    const retried = value(await runs.retry(run.id));
    assert.deepEqual([retried.externalId, retried.attempts, retried.phase], [wf, 2, 'Running'], 'Argo retries the same workflow');
    assert.ok(argo.requests.some((r) => r.method === 'PUT' && r.path === `/api/v1/workflows/delivery/${wf}/retry`));
    assert.equal(retried.nodes.find((n) => n.name === `${wf}[0].check`)?.phase, 'Pending');

    const second = value(await runs.start({ template: 'smoke', parameters: { url: 'u', env: 'prod' } }));
    argo.setNodePhase(second.externalId!, `${second.externalId}[0].check`, 'Succeeded');
    argo.finish(second.externalId!, 'Succeeded');
    assert.equal(value(await runs.get(second.id)).phase, 'Succeeded');
    assert.deepEqual((await runs.list({ phase: 'Succeeded' })).map((r) => r.id), [second.id]);
  });
});
