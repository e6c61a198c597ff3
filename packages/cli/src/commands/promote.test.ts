import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EXIT } from '../errors.ts';
import { startDemoServer, type DemoServer } from '../testing/demo-server.ts';

const ADMIN = 'sct_cli-promote-test-admin-0000000';

// The demo's policies give qa the pre-action smoke-tests (non-production-smoke) and cf-101 the post-action notify (cf-101-notify).
describe('stagecoach promote --pre-action none / --post-action none', () => {
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer(ADMIN);
  });
  after(() => demo.close());

  test('--dry-run shows the removed pre-action and the policy workflow that does not run', async () => {
    const r = await demo.cli(['promote', 'cf-101', '--from', 'dev', '--to', 'qa', '--pre-action', 'none', '--dry-run']);
    assert.equal(r.code, EXIT.ok, r.err + r.out);
    const lines = r.out.split('\n');
    assert.equal(lines.find((l) => l.trimStart().startsWith('preAction')), '  preAction   none                 removed by inline (preview); smoke-tests from policy non-production-smoke does not run');
    assert.equal(lines.find((l) => l.trimStart().startsWith('postAction')), '  postAction  notify               policy cf-101-notify');
  });

  test('--dry-run -o json sends null and returns the resolution with its removed fields', async () => {
    const r = await demo.cli(['promote', 'cf-101', '--from', 'dev', '--to', 'qa', '--pre-action', 'none', '--post-action', 'none', '--dry-run', '-o', 'json']);
    assert.equal(r.code, EXIT.ok, r.err + r.out);
    const policy = JSON.parse(r.out).policy;
    assert.deepEqual(Object.keys(policy.fields), ['action']);
    assert.deepEqual(policy.removed.map((x: any) => [x.field, x.source.name, x.overridden.value]), [
      ['preAction', 'preview', 'smoke-tests'],
      ['postAction', 'preview', 'notify'],
    ]);
  });

  test('promote --pre-action none --watch commits without running the policy pre-action; the post-action still runs', async () => {
    const r = await demo.cli(['promote', 'cf-101', '--from', 'dev', '--to', 'qa', '--pre-action', 'none', '--watch']);
    assert.equal(r.code, EXIT.ok, r.err + r.out);
    assert.doesNotMatch(r.out, /pre-action/);
    assert.match(r.out, /qa commit \(cf-101-qa\) Succeeded: committed [0-9a-f]{12}/);
    assert.match(r.out, /qa post-action notify \(cf-101-qa\) Succeeded/);
    const [made] = (await demo.api('GET', '/api/v1/releases?product=cf-101')).items;
    const { snapshot } = await demo.api('GET', `/api/v1/releases/${made.id}`);
    assert.deepEqual(Object.keys(snapshot.steps[1].policy), ['action', 'postAction']);
  });
});
