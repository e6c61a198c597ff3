import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { EventFilter, StagecoachEvent } from '../events/port.ts';
import { buildServer } from '../server.ts';
import { startFakeArgoWorkflows, type FakeArgoWorkflows } from '../testing/fakes/argo-workflows.ts';
import { workflowRunEvents } from './events.ts';
import type { WorkflowRunDetail, WorkflowRunNodeView } from './service.ts';

// The composition root's wiring: a server built on a temporary data folder, its runs service
// publishing to its own event bus (in process, SQLite); local runs as real processes, Argo
// through its fake server.

const TEST = { timeout: 60_000 };
const T0 = '2026-01-01T10:00:00.000Z';

type Built = Awaited<ReturnType<typeof buildServer>>;

/** What a subscriber of the bus received, and a way to wait for an event. */
function receive(built: Built, filter: EventFilter) {
  const events: StagecoachEvent[] = [];
  const waiting = new Set<() => void>();
  const stop = built.events.subscribe({ filter }, (event) => {
    events.push(event);
    for (const check of [...waiting]) check();
  });
  return {
    events,
    stop,
    /** Resolves once an event matches; fails after a generous time, listing what came. */
    until(match: (event: StagecoachEvent) => boolean, what: string): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no event ${what}; got ${JSON.stringify(events.map(brief))}`));
        }, 20_000);
        const check = () => {
          if (!events.some(match)) return;
          clearTimeout(timer);
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      });
    },
  };
}

/** An event as `<node display name or "run">: <previous> → <phase>`. */
function brief(event: StagecoachEvent): string {
  const d = event.data;
  return `${d.node === undefined ? 'run' : String(d.displayName)}: ${d.previous === undefined ? '' : `${String(d.previous)} → `}${String(d.phase)}`;
}

const runEnded = (id: string) => (e: StagecoachEvent) => e.data.run === id && e.data.node === undefined && ['Succeeded', 'Failed', 'Error', 'Terminated'].includes(String(e.data.phase));

async function putTemplate(built: Built, name: string, spec: Record<string, unknown>): Promise<void> {
  await built.store.resources.put({ kind: 'WorkflowTemplate', name, body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name }, spec }, now: T0 });
}

const TWO_STEPS = {
  entrypoint: 'main',
  templates: [
    { name: 'main', steps: [[{ name: 'build', template: 'build' }], [{ name: 'check', template: 'check' }]] },
    { name: 'build', script: { image: 'alpine:3.20', command: ['sh'], source: 'echo building' } },
    { name: 'check', script: { image: 'alpine:3.20', command: ['sh'], source: 'echo checking' } },
  ],
};

/** A run as the API shows it, for the pure tests. */
function aRun(phase: WorkflowRunDetail['phase'], nodes: [string, WorkflowRunNodeView['phase']][], change: Partial<WorkflowRunDetail> = {}): WorkflowRunDetail {
  return {
    id: 'r1',
    template: 'two-steps',
    engine: 'local',
    phase,
    parameters: {},
    labels: { product: 'shop', release: 'rel-1', environment: 'qa' },
    attempts: 1,
    createdAt: T0,
    updatedAt: T0,
    nodes: nodes.map(([id, nodePhase]) => ({ id, name: `r1.${id}`, displayName: id, templateName: id, type: 'Pod', phase: nodePhase, outputs: [], children: [] })),
    outputs: {},
    ...change,
  };
}

describe('workflowRunEvents', () => {
  it('a new run: its own event, scoped by its product and release labels', () => {
    assert.deepEqual(workflowRunEvents(aRun('Pending', []), undefined), [
      { type: 'workflow-node', product: 'shop', release: 'rel-1', data: { run: 'r1', template: 'two-steps', attempt: 1, engine: 'local', phase: 'Pending' } },
    ]);
    const unlabelled = workflowRunEvents(aRun('Pending', [], { labels: {} }), undefined);
    assert.deepEqual([unlabelled[0]!.product, unlabelled[0]!.release], [undefined, undefined]);
  });

  it('a status that changes no phase makes none; a node that appears or changes phase makes one, with the phase before', () => {
    const running = aRun('Running', [['build', 'Running']]);
    assert.deepEqual(workflowRunEvents({ ...running, updatedAt: '2026-01-01T10:00:05.000Z' }, running), []);
    const next = workflowRunEvents(aRun('Running', [['build', 'Succeeded'], ['check', 'Pending']]), running);
    assert.deepEqual(
      next.map((e) => e.data),
      [
        { run: 'r1', template: 'two-steps', attempt: 1, node: 'build', name: 'r1.build', displayName: 'build', type: 'Pod', templateName: 'build', phase: 'Succeeded', previous: 'Running' },
        { run: 'r1', template: 'two-steps', attempt: 1, node: 'check', name: 'r1.check', displayName: 'check', type: 'Pod', templateName: 'check', phase: 'Pending' },
      ],
    );
  });

  it('the run\'s own event comes before its nodes\' while it goes and after them once it finished; a new attempt is a change', () => {
    const order = (events: ReturnType<typeof workflowRunEvents>) => events.map((e) => `${String(e.data.node ?? 'run')} ${String(e.data.phase)}`);
    const pending = aRun('Pending', []);
    const running = aRun('Running', [['build', 'Running']]);
    assert.deepEqual(order(workflowRunEvents(running, pending)), ['run Running', 'build Running']);
    const failed = aRun('Failed', [['build', 'Failed']], { message: 'build failed' });
    const ended = workflowRunEvents(failed, running);
    assert.deepEqual(order(ended), ['build Failed', 'run Failed']);
    assert.equal(ended[1]!.data.message, 'build failed');
    const retried = workflowRunEvents(aRun('Failed', [['build', 'Failed']], { attempts: 2 }), failed);
    assert.deepEqual(retried.map((e) => [e.data.phase, e.data.previous, e.data.attempt]), [['Failed', 'Failed', 2]]);
  });
});

describe('workflow-node events from the local engine', () => {
  let dir: string;
  let built: Built;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecoach-run-events-'));
    built = await buildServer({ dataDir: join(dir, 'data'), webDist: join(dir, 'no-web') });
    await putTemplate(built, 'two-steps', TWO_STEPS);
  });
  afterEach(async () => {
    await built.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a run of two steps: the run, then each node as it starts and ends, in order, and the run last', TEST, async () => {
    const all = receive(built, { types: ['workflow-node'] });
    const mine = receive(built, { types: ['workflow-node'], release: 'rel-1' });
    const other = await built.workflowRuns.start({ id: 'by-hand', template: 'two-steps' });
    const started = await built.workflowRuns.start({ id: 'two-1', template: 'two-steps', labels: { product: 'shop', release: 'rel-1', environment: 'qa' } });
    assert.ok(other.ok && started.ok);
    await all.until(runEnded('by-hand'), 'ending the run started by hand');
    await mine.until(runEnded('two-1'), 'ending the release\'s run');

    const expected = [
      'run: Pending',
      'run: Pending → Running',
      'two-1: Running',
      '[0]: Running',
      'build: Running',
      '[0]: Running → Succeeded',
      'build: Running → Succeeded',
      '[1]: Running',
      'check: Pending',
      'check: Pending → Running',
      'two-1: Running → Succeeded',
      '[1]: Running → Succeeded',
      'check: Running → Succeeded',
      'run: Running → Succeeded',
    ];
    assert.deepEqual(mine.events.map(brief), expected);
    for (const event of mine.events) assert.deepEqual([event.type, event.product, event.release, event.data.run], ['workflow-node', 'shop', 'rel-1', 'two-1']);
    const ids = mine.events.map((e) => Number(e.id));
    assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'in the order they were published');

    // Without a filter both runs come, each in its own order; the one started by hand has no scope.
    const byHand = all.events.filter((e) => e.data.run === 'by-hand');
    assert.deepEqual(byHand.map(brief), expected.map((line) => line.replace('two-1', 'by-hand')));
    assert.ok(byHand.every((e) => e.product === undefined && e.release === undefined));
    assert.deepEqual(all.events.filter((e) => e.data.run === 'two-1').map((e) => e.id), mine.events.map((e) => e.id));
    all.stop();
    mine.stop();
  });

  it('a failed step: the node fails before the run, and a retry starts a new attempt', TEST, async () => {
    await putTemplate(built, 'fails', {
      entrypoint: 'main',
      templates: [{ name: 'main', script: { image: 'alpine:3.20', command: ['sh'], source: 'echo no; exit 3' } }],
    });
    const received = receive(built, { types: ['workflow-node'] });
    assert.ok((await built.workflowRuns.start({ id: 'fails-1', template: 'fails' })).ok);
    await received.until(runEnded('fails-1'), 'the run failing');
    const failed = received.events.length;
    assert.deepEqual(received.events.slice(-2).map(brief), ['fails-1: Running → Failed', 'run: Running → Failed']);

    const retried = await built.workflowRuns.retry('fails-1');
    assert.ok(retried.ok);
    await received.until((e) => e.data.node === undefined && e.data.attempt === 2 && e.data.phase === 'Failed', 'the second attempt failing');
    const second = received.events.slice(failed);
    assert.deepEqual([second[0]!.data.previous, second[0]!.data.attempt, second[0]!.data.node], ['Failed', 2, undefined]);
    assert.ok(second.every((e) => e.data.attempt === 2));
    received.stop();
  });
});

describe('workflow-node events from the Argo engine (fake Argo Workflows server)', () => {
  const TOKEN = 'test-token';
  let argo: FakeArgoWorkflows;
  let dir: string;
  let built: Built;
  before(async () => {
    argo = await startFakeArgoWorkflows({ token: TOKEN, namespace: 'delivery' });
  });
  after(() => argo.stop());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecoach-run-events-'));
    built = await buildServer({ dataDir: join(dir, 'data'), webDist: join(dir, 'no-web'), argoWorkflows: { baseUrl: argo.url, token: TOKEN, namespace: 'delivery' } });
    await putTemplate(built, 'two-steps', TWO_STEPS);
  });
  afterEach(async () => {
    await built.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('follows the workflow as it advances: one event per change, none for reads that find nothing new', TEST, async () => {
    const received = receive(built, { types: ['workflow-node'], release: 'rel-7' });
    const started = await built.workflowRuns.start({ template: 'two-steps', engine: 'argo', labels: { product: 'shop', release: 'rel-7' } });
    assert.ok(started.ok);
    const run = started.value;
    const wf = run.externalId!;
    await received.until((e) => e.data.run === run.id, 'the new run');

    /** Makes a change in Argo, waits for the event of `node` going to `phase`, then reads the run (which asks Argo again). */
    const advance = async (change: () => void, node: string, phase: string) => {
      change();
      await received.until((e) => e.data.displayName === node && e.data.phase === phase, `${node} ${phase}`);
      assert.ok((await built.workflowRuns.get(run.id)).ok);
    };
    await advance(() => argo.setNodePhase(wf, `${wf}[0].build`, 'Running'), 'build', 'Running');
    await advance(() => argo.setNodePhase(wf, `${wf}[0].build`, 'Succeeded'), 'build', 'Succeeded');
    await advance(() => argo.setNodePhase(wf, `${wf}[1].check`, 'Running'), 'check', 'Running');
    await advance(() => argo.setNodePhase(wf, `${wf}[1].check`, 'Failed', undefined, { message: 'exit code 1' }), 'check', 'Failed');
    argo.finish(wf, 'Failed', 'child failed');
    await received.until(runEnded(run.id), 'the run failing');

    assert.deepEqual(received.events.map(brief), [
      'run: Pending',
      'run: Pending → Running',
      `${wf}: Running`,
      '[0]: Running',
      'build: Running',
      'build: Running → Succeeded',
      '[1]: Running',
      'check: Running',
      'check: Running → Failed',
      `${wf}: Running → Failed`,
      'run: Running → Failed',
    ]);
    const check = received.events.find((e) => e.data.displayName === 'check' && e.data.phase === 'Failed')!;
    assert.equal(check.data.message, 'exit code 1');
    assert.equal(received.events.at(-1)!.data.message, 'child failed');
    assert.ok(received.events.every((e) => e.product === 'shop' && e.release === 'rel-7' && e.data.run === run.id));
    assert.deepEqual([...new Set(received.events.filter((e) => e.data.node === undefined).map((e) => e.data.engine))], ['argo']);
    received.stop();
  });
});
