import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunNotResumableError, type RunNode, type RunStatus, type SubmitRun } from '../../../workflows/port.ts';
import { createLocalEngine, SHUTDOWN_MESSAGE } from './engine.ts';
import type { LocalEngine, LocalEngineOptions } from './engine.ts';

// Generous bounds: they only stop a broken test from hanging, never measure speed.
const TEST = { timeout: 60_000 };

let root: string;
/** A folder outside the step folders where scripts leave counters, pids and markers. */
let shared: string;
let engine: LocalEngine;
let changes: { id: string; status: RunStatus }[];

function newEngine(options: Partial<LocalEngineOptions> = {}): LocalEngine {
  return createLocalEngine({ root, maxParallel: 4, killGraceMs: 1000, onChange: (id, status) => void changes.push({ id, status }), ...options });
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecoach-engine-'));
  shared = await mkdtemp(join(tmpdir(), 'stagecoach-engine-shared-'));
  changes = [];
  engine = newEngine();
});

afterEach(async () => {
  await engine.close();
  await rm(root, { recursive: true, force: true });
  await rm(shared, { recursive: true, force: true });
});

function workflow(spec: Record<string, unknown>): SubmitRun['template'] {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'wt' }, spec };
}

/** A script template; `SHARED` names the test's shared folder. */
function script(name: string, source: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, script: { image: 'alpine:3.20', command: ['sh'], source, env: [{ name: 'SHARED', value: shared }] }, ...extra };
}

async function runToEnd(runId: string, spec: Record<string, unknown>, parameters: Record<string, string> = {}): Promise<RunStatus> {
  const { externalId } = await engine.submit({ runId, template: workflow(spec), parameters });
  assert.equal(externalId, runId);
  return engine.settled(externalId);
}

function node(status: RunStatus, displayName: string): RunNode {
  const found = status.nodes.find((n) => n.displayName === displayName);
  assert.ok(found, `no node "${displayName}" in ${status.nodes.map((n) => n.displayName).join(', ')}`);
  return found;
}

async function waitForFile(path: string, limitMs = 20_000): Promise<string> {
  for (const start = Date.now(); Date.now() - start < limitMs; await sleep(20)) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined && text.endsWith('\n')) return text.trim();
  }
  throw new Error(`${path} was not written within ${limitMs} ms`);
}

async function assertGone(pid: number): Promise<void> {
  for (const start = Date.now(); Date.now() - start < 10_000; await sleep(50)) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ESRCH');
      return;
    }
  }
  // A killed orphan nobody reaps stays a zombie: dead, only its entry left.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  assert.match(stat, /^\d+ \(.*\) Z /, `process ${pid} is still running: ${stat}`);
}

const versionOutput = { outputs: { parameters: [{ name: 'version', valueFrom: { path: '/tmp/version' } }] } };

describe('createLocalEngine', () => {
  it('passes a script output to the next step of a steps template', TEST, async () => {
    const status = await runToEnd('steps-1', {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'build', template: 'build' }], [{ name: 'deploy', template: 'deploy', arguments: { parameters: [{ name: 'version', value: '{{steps.build.outputs.parameters.version}}' }] } }]] },
        script('build', 'echo building; echo 1.2.3 > /tmp/version', versionOutput),
        script('deploy', 'echo "deploying {{inputs.parameters.version}}"', { inputs: { parameters: [{ name: 'version' }] } }),
      ],
    });
    assert.equal(status.phase, 'Succeeded', status.message);
    assert.deepEqual(node(status, 'build').outputs, [{ name: 'version', value: '1.2.3' }]);
    const deploy = node(status, 'deploy');
    assert.equal(deploy.phase, 'Succeeded');
    assert.equal(await engine.logs('steps-1', deploy.id), 'deploying 1.2.3\n');
    assert.equal(await engine.logs('steps-1', node(status, 'build').id), 'building\n');
    assert.deepEqual(await readdir(root), [], 'step folders are removed');
  });

  it('fans a DAG in and reports globalName outputs in globalOutputs', TEST, async () => {
    const status = await runToEnd('dag-1', {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'a', template: 'emit', arguments: { parameters: [{ name: 'value', value: 'left' }] } },
              { name: 'b', template: 'emit', arguments: { parameters: [{ name: 'value', value: 'right' }] } },
              {
                name: 'join',
                template: 'join',
                dependencies: ['a', 'b'],
                arguments: { parameters: [{ name: 'x', value: '{{tasks.a.outputs.parameters.out}}' }, { name: 'y', value: '{{tasks.b.outputs.parameters.out}}' }] },
              },
            ],
          },
        },
        script('emit', 'echo "{{inputs.parameters.value}}" > /tmp/out', { inputs: { parameters: [{ name: 'value' }] }, outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] } }),
        script('join', 'echo "{{inputs.parameters.x}}+{{inputs.parameters.y}}" > /tmp/joined', {
          inputs: { parameters: [{ name: 'x' }, { name: 'y' }] },
          outputs: { parameters: [{ name: 'joined', valueFrom: { path: '/tmp/joined' }, globalName: 'result' }] },
        }),
      ],
    });
    assert.equal(status.phase, 'Succeeded', status.message);
    assert.deepEqual(node(status, 'join').outputs, [{ name: 'joined', value: 'left+right', globalName: 'result' }]);
    assert.deepEqual(status.globalOutputs, { result: 'left+right' });
  });

  it('runs the steps of one group at the same time', TEST, async () => {
    // Each step writes its marker, then waits for the other's: only overlapping steps both finish.
    const waitFor = (mine: string, other: string) => `touch "$SHARED/${mine}"; while [ ! -e "$SHARED/${other}" ]; do sleep 0.05; done`;
    const status = await runToEnd('parallel-1', {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'a', template: 'a' }, { name: 'b', template: 'b' }]] },
        script('a', waitFor('a', 'b'), { activeDeadlineSeconds: 20 }),
        script('b', waitFor('b', 'a'), { activeDeadlineSeconds: 20 }),
      ],
    });
    assert.equal(status.phase, 'Succeeded', status.message);
  });

  it('fails the run when a step fails, naming the exit code', TEST, async () => {
    const status = await runToEnd('fail-1', {
      entrypoint: 'main',
      templates: [{ name: 'main', steps: [[{ name: 'check', template: 'check' }], [{ name: 'after', template: 'check' }]] }, script('check', 'echo broken >&2; exit 3')],
    });
    assert.equal(status.phase, 'Failed');
    assert.match(status.message ?? '', /exit code 3/);
    assert.equal(node(status, 'check').phase, 'Failed');
    assert.equal(node(status, 'check').message, 'exit code 3');
    assert.ok(!status.nodes.some((n) => n.displayName === 'after'), 'the next group does not run');
    assert.equal(await engine.logs('fail-1', node(status, 'check').id), 'broken\n');
  });

  it('retries a failing step and counts its attempts', TEST, async () => {
    const counter = 'n=$(cat "$SHARED/count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$SHARED/count"; echo "try $n"; [ "$n" -ge 3 ]';
    const status = await runToEnd('retry-1', {
      entrypoint: 'flaky',
      templates: [script('flaky', counter, { retryStrategy: { limit: 2, backoff: { duration: '50ms' } } })],
    });
    assert.equal(status.phase, 'Succeeded', status.message);
    const flaky = node(status, 'retry-1');
    assert.equal(flaky.attempts, 3);
    assert.equal(await readFile(join(shared, 'count'), 'utf8'), '3\n');
    assert.equal(await engine.logs('retry-1', flaky.id), '--- attempt 1 ---\ntry 1\n--- attempt 2 ---\ntry 2\n--- attempt 3 ---\ntry 3\n');
  });

  it('stops a step at its deadline, with its children', TEST, async () => {
    const status = await runToEnd('deadline-1', {
      entrypoint: 'slow',
      templates: [script('slow', 'sleep 300 & echo $! > "$SHARED/child.pid"; wait', { activeDeadlineSeconds: 1 })],
    });
    assert.equal(status.phase, 'Failed');
    assert.match(status.message ?? '', /deadline of 1 s exceeded/);
    await assertGone(Number(await waitForFile(join(shared, 'child.pid'))));
  });

  it('enforces the workflow deadline on running steps', TEST, async () => {
    const status = await runToEnd('deadline-2', {
      entrypoint: 'slow',
      activeDeadlineSeconds: 1,
      templates: [script('slow', 'sleep 300 & echo $! > "$SHARED/child.pid"; wait')],
    });
    assert.equal(status.phase, 'Failed');
    assert.match(status.message ?? '', /activeDeadlineSeconds of 1s/);
    await assertGone(Number(await waitForFile(join(shared, 'child.pid'))));
  });

  it('terminates a run mid-way: running nodes and the run become Terminated, processes die', TEST, async () => {
    await engine.submit({ runId: 'stop-1', template: workflow({ entrypoint: 'slow', templates: [script('slow', 'sleep 300 & echo $! > "$SHARED/child.pid"; wait')] }), parameters: {} });
    const child = Number(await waitForFile(join(shared, 'child.pid')));
    assert.equal((await engine.status('stop-1')).phase, 'Running');
    const asked = Date.now();
    await engine.terminate('stop-1');
    const status = await engine.settled('stop-1');
    assert.ok(Date.now() - asked < 15_000, 'terminated within the kill grace period, generously');
    assert.equal(status.phase, 'Terminated');
    assert.equal(node(status, 'stop-1').phase, 'Terminated');
    await assertGone(child);
  });

  it('waits for a suspend duration', TEST, async () => {
    const status = await runToEnd('suspend-1', {
      entrypoint: 'main',
      templates: [{ name: 'main', steps: [[{ name: 'pause', template: 'pause' }], [{ name: 'go', template: 'go' }]] }, { name: 'pause', suspend: { duration: '1' } }, script('go', 'echo go')],
    });
    assert.equal(status.phase, 'Succeeded', status.message);
    assert.equal(node(status, 'pause').phase, 'Succeeded');
  });

  it('fails a run whose workflow parameter is missing, naming it', TEST, async () => {
    const status = await runToEnd('param-1', { entrypoint: 'main', arguments: { parameters: [{ name: 'target' }] }, templates: [script('main', 'echo "{{workflow.parameters.target}}"')] });
    assert.equal(status.phase, 'Failed');
    assert.match(status.message ?? '', /missing parameter "target"/);
    const given = await runToEnd('param-2', { entrypoint: 'main', arguments: { parameters: [{ name: 'target' }] }, templates: [script('main', 'echo "to {{workflow.parameters.target}}"')] }, { target: 'prod' });
    assert.equal(given.phase, 'Succeeded', given.message);
    assert.equal(await engine.logs('param-2', 'param-2'), 'to prod\n');
  });

  it('refuses a template with what the local engine cannot run, listing every problem', TEST, async () => {
    const status = await runToEnd('refuse-1', {
      entrypoint: 'main',
      volumes: [{ name: 'v', emptyDir: {} }],
      templates: [{ name: 'main', steps: [[{ name: 'apply', template: 'apply' }]] }, { name: 'apply', resource: { action: 'create', manifest: 'kind: ConfigMap' } }],
    });
    assert.equal(status.phase, 'Error');
    assert.match(status.message ?? '', /kind "resource" is not supported by the local engine/);
    assert.match(status.message ?? '', /field "volumes" is not supported/);
    assert.deepEqual(status.nodes, []);
    await assert.rejects(engine.logs('refuse-1', 'refuse-1'), /has no node "refuse-1"/);
    const invalid = await runToEnd('refuse-2', { templates: [] });
    assert.equal(invalid.phase, 'Error');
    assert.match(invalid.message ?? '', /entrypoint/);
  });

  it('reports a command that does not exist as Error with the reason', TEST, async () => {
    const status = await runToEnd('enoent-1', { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine:3.20', command: ['stagecoach-no-such-command'] } }] });
    assert.equal(status.phase, 'Error');
    assert.match(status.message ?? '', /command "stagecoach-no-such-command" not found/);
    assert.equal(node(status, 'enoent-1').phase, 'Error');
  });

  it('caps megabytes of logs', TEST, async () => {
    await engine.close();
    engine = newEngine({ logLimitBytes: 64 * 1024 });
    const status = await runToEnd('logs-1', { entrypoint: 'noisy', templates: [script('noisy', 'head -c 3000000 /dev/zero | tr "\\0" x')] });
    assert.equal(status.phase, 'Succeeded', status.message);
    const log = await engine.logs('logs-1', 'logs-1');
    assert.ok(log.length < 65 * 1024, `log of ${log.length} characters`);
    assert.match(log, /^x{1000}/);
    assert.match(log, /… log truncated after 65536 bytes$/);
  });

  it('reports every change: Running, then Succeeded', TEST, async () => {
    await runToEnd('changes-1', { entrypoint: 'main', templates: [script('main', 'echo hi')] });
    const phases = changes.filter((c) => c.id === 'changes-1').map((c) => c.status.phase);
    assert.equal(phases[0], 'Running');
    assert.equal(phases.at(-1), 'Succeeded');
    assert.ok(phases.indexOf('Succeeded') === phases.length - 1, phases.join(' → '));
    const stepRunning = changes.some((c) => c.status.nodes.some((n) => n.id === 'changes-1' && n.phase === 'Running'));
    assert.ok(stepRunning, 'the step was reported Running');
  });

  it('retry resumes the same run from the failed step: the step that succeeded does not run again', TEST, async () => {
    const spec = {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [[{ name: 'one', template: 'one' }], [{ name: 'two', template: 'two', arguments: { parameters: [{ name: 'v', value: '{{steps.one.outputs.parameters.version}}' }] } }]],
        },
        script('one', 'echo x >> "$SHARED/one-runs"; echo 1.2.3 > /tmp/version', versionOutput),
        script('two', '[ -f "$SHARED/ready" ] && echo "got {{inputs.parameters.v}}" > "$SHARED/two-out"', { inputs: { parameters: [{ name: 'v' }] } }),
      ],
    };
    const failed = await runToEnd('retry-1', spec);
    assert.equal(failed.phase, 'Failed');
    assert.equal(node(failed, 'two').phase, 'Failed');
    await writeFile(join(shared, 'ready'), '');
    await engine.retry!('retry-1');
    const status = await engine.settled('retry-1');
    assert.equal(status.phase, 'Succeeded', status.message);
    assert.deepEqual(status.nodes.map((n) => [n.displayName, n.phase]), [['retry-1', 'Succeeded'], ['[0]', 'Succeeded'], ['one', 'Succeeded'], ['[1]', 'Succeeded'], ['two', 'Succeeded']]);
    assert.equal(await readFile(join(shared, 'one-runs'), 'utf8'), 'x\n', 'step one ran exactly once');
    assert.equal(await readFile(join(shared, 'two-out'), 'utf8'), 'got 1.2.3\n', "step one's output is still used");
    assert.equal(node(status, 'one').id, node(failed, 'one').id);
    await assert.rejects(engine.retry!('retry-1'), /run "retry-1" is Succeeded; there is nothing to retry/);
  });

  it('retry names a run it does not have', TEST, async () => {
    await assert.rejects(engine.retry!('gone'), (e: Error) => e instanceof RunNotResumableError && /cannot resume run "gone": it is not in this process \(a restart forgets every run, and a finished run is forgotten a while after it ends\)$/.test(e.message));
  });

  it('names unknown runs and nodes, and refuses a second submit of a run id', TEST, async () => {
    await assert.rejects(engine.status('nope'), /no run "nope"/);
    await assert.rejects(engine.terminate('nope'), /no run "nope"/);
    await assert.rejects(engine.logs('nope', 'x'), /no run "nope"/);
    await runToEnd('twice', { entrypoint: 'main', templates: [script('main', 'true')] });
    await assert.rejects(engine.logs('twice', 'x'), /run "twice" has no node "x"/);
    await assert.rejects(engine.submit({ runId: 'twice', template: workflow({ entrypoint: 'main', templates: [script('main', 'true')] }), parameters: {} }), /already submitted/);
  });

  it('close() terminates running runs with the shutdown message, waits for their processes and listeners, and refuses new runs', TEST, async () => {
    await engine.close();
    const written: string[] = [];
    // A listener that takes a while to store what it is given: close waits for it.
    const slowly = (what: string) => sleep(100).then(() => void written.push(what));
    engine = newEngine({ onChange: (id, status) => slowly(`${id} ${status.phase}`), onLog: (id, node, log) => slowly(`${id} log ${JSON.stringify(log.text)}`) });
    await engine.submit({ runId: 'close-1', template: workflow({ entrypoint: 'slow', templates: [script('slow', 'echo started; sleep 300 & echo $! > "$SHARED/child.pid"; wait')] }), parameters: {} });
    const child = Number(await waitForFile(join(shared, 'child.pid')));
    await engine.close();
    const status = await engine.status('close-1');
    assert.equal(status.phase, 'Terminated');
    assert.equal(status.message, SHUTDOWN_MESSAGE);
    assert.deepEqual([node(status, 'close-1').phase, node(status, 'close-1').message], ['Terminated', 'stopped by a server shutdown']);
    assert.equal(written.at(-1), 'close-1 log "started\\n"', written.join('\n'));
    assert.ok(written.includes('close-1 Terminated'), written.join('\n'));
    await assertGone(child);
    await assert.rejects(engine.submit({ runId: 'close-2', template: workflow({ entrypoint: 'slow', templates: [script('slow', 'true')] }), parameters: {} }), /closed/);
  });

  it('hands each ended attempt\'s log to onLog before the status change it causes, with whether it was cut', TEST, async () => {
    await engine.close();
    const events: string[] = [];
    const logs: { id: string; node: string; text: string; truncated: boolean }[] = [];
    engine = newEngine({
      logLimitBytes: 1024,
      onChange: (id, status) => void events.push(`status ${status.phase} ${status.nodes.filter((n) => n.type === 'Pod').map((n) => n.phase).join(',')}`),
      onLog: (id, node, log) => {
        events.push(`log ${node}`);
        logs.push({ id, node, ...log });
      },
    });
    const status = await runToEnd('handed-1', {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'quiet', template: 'quiet' }], [{ name: 'loud', template: 'loud' }]] },
        script('quiet', 'echo hello'),
        script('loud', 'head -c 5000 /dev/zero | tr "\\0" z'),
      ],
    });
    assert.equal(status.phase, 'Succeeded', status.message);
    const quiet = node(status, 'quiet');
    const loud = node(status, 'loud');
    assert.deepEqual(logs.map((l) => [l.id, l.node, l.truncated]), [['handed-1', quiet.id, false], ['handed-1', loud.id, true]]);
    assert.equal(logs[0]!.text, 'hello\n');
    assert.match(logs[1]!.text, /^z{1024}\n… log truncated after 1024 bytes$/);
    assert.deepEqual(await engine.nodeLog('handed-1', loud.id), { text: logs[1]!.text, truncated: true });
    // The log of `quiet` arrives before the status in which `quiet` has finished.
    const logAt = events.indexOf(`log ${quiet.id}`);
    const finishedAt = events.findIndex((e) => e.startsWith('status') && e.endsWith('Succeeded,Pending'));
    assert.ok(logAt !== -1 && logAt < finishedAt, events.join('\n'));
  });

  it('hands over an empty log for a process node that never got a process', TEST, async () => {
    await engine.close();
    const logs: [string, string][] = [];
    engine = newEngine({ onLog: (id, node, log) => void logs.push([node, log.text]) });
    const status = await runToEnd('empty-1', {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'build', template: 'build' },
              { name: 'lost', template: 'needs', depends: 'build.Failed', arguments: { parameters: [{ name: 'v', value: '{{tasks.build.outputs.parameters.out}}' }] } },
            ],
          },
        },
        script('build', 'echo building; exit 1', { outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] } }),
        script('needs', 'echo "{{inputs.parameters.v}}"', { inputs: { parameters: [{ name: 'v' }] } }),
      ],
    });
    assert.equal(status.phase, 'Failed', status.message);
    const build = node(status, 'build');
    const lost = node(status, 'lost');
    assert.match(lost.message ?? '', /cannot resolve/);
    assert.deepEqual(logs, [[build.id, 'building\n'], [lost.id, '']]);
  });

  it('caps a node\'s log over all its attempts, not only each attempt', TEST, async () => {
    await engine.close();
    engine = newEngine({ logLimitBytes: 1000 });
    const status = await runToEnd('cap-1', { entrypoint: 'main', templates: [script('main', 'head -c 600 /dev/zero | tr "\\0" a; exit 1', { retryStrategy: { limit: 2 } })] });
    assert.equal(status.phase, 'Failed');
    const log = await engine.nodeLog('cap-1', 'cap-1');
    assert.equal(log.truncated, true);
    assert.match(log.text, /^--- attempt 1 ---\na{600}\n--- attempt 2 ---\na+\n… log truncated after 1000 bytes$/);
  });

  it('with forgetAfterMs, forgets a finished run once its listeners accepted everything: logs at once, the run after the delay', TEST, async () => {
    await engine.close();
    let accept!: () => void;
    const accepted = new Promise<void>((resolve) => (accept = resolve));
    engine = newEngine({ forgetAfterMs: 0, onChange: () => accepted, onLog: () => undefined });
    const status = await runToEnd('forget-1', { entrypoint: 'main', templates: [script('main', 'echo bye')] });
    assert.equal(status.phase, 'Succeeded');
    await sleep(50);
    assert.equal(await engine.logs('forget-1', 'forget-1'), 'bye\n', 'kept while a listener has not answered');
    accept();
    for (const start = Date.now(); Date.now() - start < 10_000; await sleep(10)) {
      if (await engine.status('forget-1').then(() => false, () => true)) break;
    }
    await assert.rejects(engine.status('forget-1'), /no run "forget-1"/);
    await assert.rejects(engine.retry!('forget-1'), (e: Error) => e instanceof RunNotResumableError);

    await engine.close();
    engine = newEngine({ forgetAfterMs: 0, onChange: () => Promise.reject(new Error('store down')) });
    await runToEnd('forget-2', { entrypoint: 'main', templates: [script('main', 'echo kept')] });
    await sleep(50);
    assert.equal(await engine.logs('forget-2', 'forget-2'), 'kept\n', 'a run the listener refused is kept');
  });

  it('keeps at most maxParallel steps running at once', TEST, async () => {
    await engine.close();
    engine = newEngine({ maxParallel: 1 });
    // With one slot, a step that waits for its sibling's marker would never finish; here each only counts overlaps.
    const body = 'if [ -e "$SHARED/busy" ]; then echo overlap >> "$SHARED/overlaps"; fi; touch "$SHARED/busy"; sleep 0.2; rm "$SHARED/busy"';
    const status = await runToEnd('limit-1', {
      entrypoint: 'main',
      templates: [{ name: 'main', steps: [[{ name: 'a', template: 's' }, { name: 'b', template: 's' }, { name: 'c', template: 's' }]] }, script('s', body)],
    });
    assert.equal(status.phase, 'Succeeded', status.message);
    await assert.rejects(readFile(join(shared, 'overlaps'), 'utf8'), { code: 'ENOENT' });
  });
});
