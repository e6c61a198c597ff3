import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { demoCommit } from '@stagecoach/server';
import { EXIT } from '../errors.ts';
import { startDemoServer, type DemoServer } from '../testing/demo-server.ts';

const ADMIN = 'sct_cli-release-test-admin-0000000';

/** Merges every open pull request as soon as one appears, until stopped (people approving production). */
function approver(demo: DemoServer): { stop(): Promise<number> } {
  let running = true;
  let merged = 0;
  const loop = (async () => {
    while (running) {
      const { items } = await demo.api('GET', '/api/v1/pull-requests?state=open');
      for (const pr of items ?? []) {
        await demo.api('POST', `/api/v1/pull-requests/${pr.id}/merge`);
        merged += 1;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return merged;
    },
  };
}

describe('stagecoach promote, flow trigger and release on the demo workspace', () => {
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer(ADMIN);
  });
  after(() => demo.close());

  test('scenario 1: promote cf-101 from dev to qa --watch prints each change and ends Succeeded', async () => {
    const r = await demo.cli(['promote', 'cf-101', '--from', 'dev', '--to', 'qa', '--watch']);
    assert.equal(r.code, EXIT.ok, r.err + r.out);
    assert.match(r.out, /cf-101 #1 Running/);
    assert.match(r.out, /cf-101 #1 qa pre-action smoke-tests \(cf-101-qa\) Succeeded/);
    assert.match(r.out, /cf-101 #1 qa commit \(cf-101-qa\) Succeeded: committed [0-9a-f]{12}/);
    assert.match(r.out, /cf-101 #1 qa post-action notify \(cf-101-qa\) Succeeded/);
    assert.match(r.out, /cf-101 #1 qa sync wait \(cf-101-qa\) Succeeded: cf-101-qa: commit [0-9a-f]{12} is on branch main \(pushed by this release; no agent is asked\)/);
    assert.match(r.out.trimEnd().split('\n').at(-1)!, /cf-101 #1 Succeeded$/);
    const versions = await demo.api('GET', '/api/v1/products/cf-101/versions');
    const version = (env: string) => versions.environments.find((e: any) => e.environment === env).applications[0].version;
    assert.equal(version('qa'), version('dev'));
  });

  test('scenario 5: flow trigger env-dependencies --watch runs qa and staging side by side and production after both', async () => {
    const merging = approver(demo);
    const r = await demo.cli(['flow', 'trigger', 'env-dependencies', '--product', 'cf-101', '--watch']);
    const merged = await merging.stop();
    assert.equal(r.code, EXIT.ok, r.err + r.out);
    assert.ok(merged >= 1, 'production waited for its pull request');
    const lines = r.out.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    assert.ok(at(/ qa Running/) >= 0 && at(/ staging Running/) >= 0);
    assert.ok(at(/ production Running/) > at(/ qa Succeeded/), 'production starts after qa');
    assert.ok(at(/ production Running/) > at(/ staging Succeeded/), 'production starts after staging');
    assert.match(r.out, /production pull request \(cf-101-production\) Succeeded: merged/);
    assert.match(r.out, /production sync wait \(cf-101-production\) Succeeded: cf-101-production: commit [0-9a-f]{12} is on branch main \(merged from its pull request; no agent is asked\)/);
    assert.match(r.out, /production onStart hook change-request Succeeded/);

    const list = await demo.cli(['release', 'list', '--product', 'cf-101']);
    assert.equal(list.code, EXIT.ok);
    assert.match(list.out, /^RELEASE\s+ID\s+FLOW/);
    assert.match(list.out, /cf-101 #2\s+\S+\s+env-dependencies v3\.0\s+\S+\s+Succeeded\s+✓dev ✓qa ✓staging ✓production/);
    const id = /cf-101 #2\s+(\S+)/.exec(list.out)![1]!;
    const got = await demo.cli(['release', 'get', id]);
    assert.match(got.out, /✓ production ← qa, staging {2}Succeeded/);
    const retry = await demo.cli(['release', 'retry', id]);
    assert.equal(retry.code, EXIT.refused);
    assert.match(retry.err, /only a Failed or Terminated release can be retried/);
  });

  test('scenarios 2 to 4: three-env-promotion, policy-driven-promotion and parallel-regions run from flow trigger --watch', async () => {
    const merging = approver(demo);
    try {
      const sequential = await demo.cli(['flow', 'trigger', 'three-env-promotion', '--product', 'web-portal', '--watch']);
      assert.equal(sequential.code, EXIT.ok, sequential.err + sequential.out);
      const seq = sequential.out.split('\n');
      assert.ok(seq.findIndex((l) => / production Running/.test(l)) > seq.findIndex((l) => / qa Succeeded/.test(l)), 'production after qa');

      const policies = await demo.cli(['flow', 'trigger', 'policy-driven-promotion', '--product', 'billing-api', '--watch']);
      assert.equal(policies.code, EXIT.ok, policies.err + policies.out);
      assert.match(policies.out, /dev trigger workflow build-checks \(billing-api-dev\) Succeeded/);
      assert.match(policies.out, /qa pre-action smoke-tests \(billing-api-qa\) Succeeded/);
      assert.match(policies.out, /production pre-action integration-tests \(billing-api-production\) Succeeded/);

      const parallel = await demo.cli(['flow', 'trigger', 'parallel-regions', '--product', 'cf-101', '--watch']);
      assert.equal(parallel.code, EXIT.ok, parallel.err + parallel.out);
      const lines = parallel.out.split('\n');
      const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
      for (const region of ['production', 'production-eu', 'production-asia']) {
        assert.ok(at(new RegExp(` ${region} Running`)) > at(/ qa Succeeded/), `${region} after qa`);
      }
      // The three regions ran side by side: each started before any of them ended.
      const lastStart = Math.max(...['production', 'production-eu', 'production-asia'].map((r) => at(new RegExp(` ${r} Running`))));
      const firstEnd = Math.min(...['production', 'production-eu', 'production-asia'].map((r) => at(new RegExp(` ${r} Succeeded`))));
      assert.ok(lastStart < firstEnd, 'the regions overlap');
    } finally {
      await merging.stop();
    }
  });

  test('release terminate stops a waiting release; watch then exits 1 with the reason', async () => {
    const bumped = await demoCommit({ dataDir: demo.dataDir, product: 'billing-api', environment: 'dev' });
    assert.ok(bumped.ok);
    const created = await demo.cli(['flow', 'trigger', 'three-env-promotion', '--product', 'billing-api', '-o', 'json']);
    assert.equal(created.code, EXIT.ok, created.err);
    const release = JSON.parse(created.out);
    for (let i = 0; i < 200; i++) {
      const now = await demo.api('GET', `/api/v1/releases/${release.id}`);
      if (now.status === 'Suspended') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const stopped = await demo.cli(['release', 'terminate', release.id]);
    assert.equal(stopped.code, EXIT.ok, stopped.err);
    const watched = await demo.cli(['release', 'watch', release.id]);
    assert.equal(watched.code, EXIT.refused);
    assert.match(watched.err, /billing-api #\d+ Terminated: terminated by admin/);
  });
});
