// The same WorkflowTemplate files run on both engines: the local engine runs them as processes,
// the Argo engine sends them to argo-server unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadResources, type WorkflowTemplate } from '@stagecoach/core';
import { startFakeArgoWorkflows } from '../../testing/fakes/argo-workflows.ts';
import { tempDir, type TempDir } from '../../testing/git-fixtures.ts';
import { createArgoEngine } from './argo/index.ts';
import { createLocalEngine, type LocalEngine } from './local/index.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', '..', '..', 'examples', 'workflows.yaml');
const templates = loadResources(readFileSync(EXAMPLES, 'utf8'), 'workflows.yaml').resources.map((r) => r.resource as WorkflowTemplate);

/** Parameters for the templates that declare some without a value. */
const PARAMETERS: Record<string, Record<string, string>> = {
  'build-checks': { APP_NAME: 'shop' },
  'smoke-tests': { APP_NAME: 'shop', ENVIRONMENT: 'qa' },
  'integration-tests': { APP_NAME: 'shop', ENVIRONMENT: 'qa', RELEASE_ID: 'r1' },
  notify: { APP_NAME: 'shop', ENVIRONMENT: 'qa' },
  'change-request': { RELEASE_ID: 'r1', PRODUCT_NAME: 'shop' },
  'http-check': { URL: 'file:///etc/hostname' },
};

/** What each example ends in on the local engine (the approval is terminated by the test). */
const EXPECTED: Record<string, string> = { 'fail-on-purpose': 'Failed', 'manual-approval': 'Terminated' };

describe('the example workflow templates on both engines', () => {
  let dir: TempDir;
  let local: LocalEngine;
  before(async () => {
    dir = await tempDir();
    local = createLocalEngine({ root: dir.path });
  });
  after(async () => {
    await local.close();
    await dir.cleanup();
  });

  test('there are examples to run', () => {
    assert.ok(templates.length >= 9, `${templates.length} templates`);
  });

  for (const template of templates) {
    const name = template.metadata.name;
    test(`${name}: runs on the local engine and is sent unchanged to Argo`, async () => {
      const parameters = PARAMETERS[name] ?? {};
      await local.submit({ runId: `local-${name}`, template: template as never, parameters });
      if (name === 'manual-approval') {
        await new Promise((r) => setTimeout(r, 200));
        assert.equal((await local.status(`local-${name}`)).phase, 'Running');
        await local.terminate(`local-${name}`);
      }
      const status = await local.settled(`local-${name}`);
      assert.equal(status.phase, EXPECTED[name] ?? 'Succeeded', `${name}: ${status.message ?? ''}`);

      const argo = await startFakeArgoWorkflows({ token: 'argo-token' });
      try {
        const engine = createArgoEngine({ baseUrl: argo.url, token: 'argo-token', namespace: 'argo' });
        await engine.submit({ runId: `argo-${name}`, template: template as never, parameters });
        const sent = argo.requests.find((r) => r.method === 'POST');
        const workflow = (sent?.body as { workflow: { spec: Record<string, unknown> } }).workflow;
        const { arguments: _sentArguments, ...sentSpec } = workflow.spec;
        const { arguments: _arguments, ...spec } = template.spec as Record<string, unknown>;
        for (const [key, value] of Object.entries(spec)) assert.deepEqual(sentSpec[key], value, `${name}: spec.${key}`);
      } finally {
        await argo.stop();
      }
    });
  }
});
