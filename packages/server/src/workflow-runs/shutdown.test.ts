import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../adapters/store/open.ts';
import { startServer, type RunningServer } from '../server.ts';

// A real server on a port and a SQLite file: stopped with a local run under way, then started
// again on the same data folder.

const TEST = { timeout: 60_000 };
const TOKEN = 'sct_shutdown-test-admin-token-0000';

const TEMPLATE = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: long-check}
spec:
  entrypoint: main
  arguments:
    parameters: [{name: MARKER}]
  templates:
    - name: main
      script:
        image: alpine
        command: [sh]
        source: |
          echo "checking before the stop"
          echo up > "{{workflow.parameters.MARKER}}"
          sleep 300
`;

describe('stopping the server with a local workflow run under way', () => {
  let dir: string;
  let server: RunningServer | undefined;
  const start = () => startServer({ port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), adminToken: TOKEN, webDist: join(dir, 'no-web') });
  const call = async (method: string, path: string, body?: { yaml?: string; json?: unknown }) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
    if (body?.yaml !== undefined) headers['content-type'] = 'application/yaml';
    if (body?.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server!.url}${path}`, {
      method,
      headers,
      ...(body ? { body: body.yaml ?? JSON.stringify(body.json) } : {}),
    });
    const text = await response.text();
    return { status: response.status, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecoach-shutdown-'));
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the run as Terminated "stopped by a server shutdown" with its log, and the next start leaves it so', TEST, async () => {
    server = await start();
    assert.equal((await call('POST', '/api/v1/apply', { yaml: TEMPLATE })).status, 200);
    const marker = join(dir, 'marker');
    const started = await call('POST', '/api/v1/workflow-runs', { json: { id: 'before-stop', template: 'long-check', parameters: { MARKER: marker } } });
    assert.equal(started.status, 201, started.text);
    for (const at = Date.now(); Date.now() - at < 20_000; await sleep(20)) {
      if ((await readFile(marker, 'utf8').catch(() => '')) === 'up\n') break;
    }
    assert.equal((await call('GET', '/api/v1/workflow-runs/before-stop')).json.phase, 'Running');

    await server.close();
    server = undefined;

    // What the store holds once close() has returned: nothing was left for the next start to guess.
    const store = await openStore({ dataDir: join(dir, 'data') });
    try {
      const run = await store.workflowRuns.get('before-stop');
      assert.ok(run);
      assert.equal(run.phase, 'Terminated');
      assert.equal(run.status.message, 'stopped by a server shutdown');
      assert.ok(run.finishedAt);
      const node = run.status.nodes.find((n) => n.type === 'Pod')!;
      assert.deepEqual([node.phase, node.message], ['Terminated', 'stopped by a server shutdown']);
      const log = await store.workflowLogs.get('before-stop', node.id);
      assert.deepEqual(log && [log.attempt, log.text, log.truncated], [1, 'checking before the stop\n', false]);
    } finally {
      await store.close();
    }

    server = await start();
    const again = await call('GET', '/api/v1/workflow-runs/before-stop');
    assert.equal(again.json.phase, 'Terminated', 'not marked interrupted by the restart');
    assert.equal(again.json.message, 'stopped by a server shutdown');
    const logs = await call('GET', '/api/v1/workflow-runs/before-stop/logs');
    assert.equal(logs.status, 200, logs.text);
    assert.equal(logs.text, 'before-stop: checking before the stop\n', 'the log outlives the process, from the store');
    // Starting it again under the same id finds it: nothing is submitted.
    const same = await call('POST', '/api/v1/workflow-runs', { json: { id: 'before-stop', template: 'long-check', parameters: { MARKER: marker } } });
    assert.deepEqual([same.status, same.json.phase], [201, 'Terminated']);
  });
});
