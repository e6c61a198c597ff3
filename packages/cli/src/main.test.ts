import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startServer, type RunningServer } from '@stagecoach/server';
import { EXIT } from './errors.ts';
import type { Io } from './io.ts';
import { main } from './main.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');
const ADMIN = 'sct_cli-test-admin-token-000000000';

/** Runs the CLI in-process against the real server and captures what it prints. */
async function cli(server: RunningServer | string, args: string[], options: { token?: string | null; stdin?: string } = {}) {
  let out = '';
  let err = '';
  const url = typeof server === 'string' ? server : server.url;
  const token = options.token === undefined ? ADMIN : options.token;
  const io: Io = {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    env: { STAGECOACH_SERVER: url, ...(token ? { STAGECOACH_TOKEN: token } : {}) },
    isTty: false,
    readStdin: async () => options.stdin ?? '',
  };
  const code = await main(['node', 'stagecoach', ...args], io);
  return { code, out, err };
}

describe('stagecoach CLI against a real server', () => {
  let server: RunningServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecoach-cli-'));
    server = await startServer({ port: 0, dataDir: join(dir, 'data'), adminToken: ADMIN });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('apply -f examples/ stores everything and says what it did', async () => {
    const r = await cli(server, ['apply', '-f', EXAMPLES]);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /^Environment "dev" created$/m);
    assert.match(r.out, /^PromotionFlow "env-dependencies" created$/m);
    assert.match(r.out, /^Application "cf-101-production-asia" created$/m);
    assert.equal(r.err, '');
    const again = await cli(server, ['apply', '-f', EXAMPLES]);
    assert.doesNotMatch(again.out, /created|configured/);
  });

  test('get prints a table, and -o yaml output applies back unchanged', async () => {
    const table = await cli(server, ['get', 'environments']);
    assert.equal(table.code, EXIT.ok);
    const lines = table.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME\s+KIND\s+ORDER$/);
    assert.match(lines[1]!, /^dev\s+non-production\s+1$/);
    assert.equal(lines.length, 7);

    const yaml = await cli(server, ['get', 'promotionflows', '-o', 'yaml']);
    assert.equal(yaml.code, EXIT.ok);
    assert.equal(parseAllDocuments(yaml.out).length, 4);
    const back = await cli(server, ['apply', '-f', '-'], { stdin: yaml.out });
    assert.equal(back.code, EXIT.ok, back.err);
    assert.deepEqual(back.out.trimEnd().split('\n').sort(), [
      'PromotionFlow "env-dependencies" unchanged',
      'PromotionFlow "parallel-regions" unchanged',
      'PromotionFlow "policy-driven-promotion" unchanged',
      'PromotionFlow "three-env-promotion" unchanged',
    ]);

    const json = await cli(server, ['get', 'flow', 'three-env-promotion', '-o', 'json']);
    assert.equal(JSON.parse(json.out).spec.triggerEnvironment, 'dev');
  });

  test('policy evaluate shows each field and its source policy', async () => {
    const r = await cli(server, ['policy', 'evaluate', '--product', 'cf-101', '--environment', 'qa']);
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /^preAction\s+smoke-tests\s+policy non-production-smoke \(priority 20\)$/m);
    assert.match(r.out, /^action\s+commit\s+policy default-commit \(priority 1000\)$/m);
    assert.match(r.out, /^postAction\s+notify\s+policy cf-101-notify \(priority 50\)$/m);
  });

  test('token create prints a secret that works', async () => {
    const r = await cli(server, ['token', 'create', '--role', 'viewer', '--name', 'reader']);
    assert.equal(r.code, EXIT.ok, r.err);
    const secret = r.out.trim();
    assert.match(secret, /^sct_/);
    const read = await cli(server, ['get', 'products'], { token: secret });
    assert.equal(read.code, EXIT.ok);
    const write = await cli(server, ['delete', 'product', 'cf-101'], { token: secret });
    assert.equal(write.code, EXIT.refused);
    assert.match(write.err, /^error: forbidden: role "viewer" may not delete Product resources/);
  });

  test('a bad file gets every problem with file and document, and a non-zero exit', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'apiVersion: stagecoach.dev/v1alpha1\nkind: PromotionFlow\nmetadata: {name: loop}\nspec:\n  triggerEnvironment: dev\n  steps:\n    - {environment: qa, dependsOn: [production]}\n    - {environment: production, dependsOn: [qa]}\n---\nkind: Gadget\n',
    );
    const r = await cli(server, ['apply', '-f', file]);
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /^error: validation_failed: 2 problems$/m);
    assert.match(r.err, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, document 1, PromotionFlow "loop", spec\\.steps.*cycle`));
    assert.match(r.err, /document 2, kind: unknown kind "Gadget"/);
    const flows = await cli(server, ['get', 'flows', 'loop']);
    assert.equal(flows.code, EXIT.refused);
    assert.match(flows.err, /not_found/);
  });

  test('workflow run --watch prints node progress and exits by the run\'s phase; runs and logs show it after', async () => {
    const ok = await cli(server, ['workflow', 'run', 'build-then-verify', '-p', 'APP_NAME=shop', '--watch']);
    assert.equal(ok.code, EXIT.ok, ok.err);
    assert.match(ok.out, /^workflow run (\S+) started \(build-then-verify on the local engine\)$/m);
    assert.match(ok.out, /\.verify {2}Succeeded$/m);
    assert.match(ok.out, /^workflow run \S+ Succeeded$/m);

    const failed = await cli(server, ['workflow', 'run', 'fail-on-purpose', '--watch']);
    assert.equal(failed.code, EXIT.refused);
    assert.match(failed.err, /Failed: exit code 1/);
    const id = /workflow run (\S+) started/.exec(failed.out)![1]!;
    const logs = await cli(server, ['workflow', 'logs', id]);
    assert.equal(logs.code, EXIT.ok, logs.err);
    assert.match(logs.out, /failing as asked/);
    const runs = await cli(server, ['workflow', 'runs', '--phase', 'Failed', '-o', 'json']);
    const listed = JSON.parse(runs.out) as { id: string }[] | { items: { id: string }[] };
    const ids = (Array.isArray(listed) ? listed : listed.items).map((r) => r.id);
    assert.deepEqual(ids, [id]);

    const missing = await cli(server, ['workflow', 'run', 'smoke-tests']);
    assert.equal(missing.code, EXIT.refused);
    assert.match(missing.err, /declares parameter "APP_NAME" without a value/);
  });

  test('workflow runs filters by status, template, labels and limit; workflow run --id starts once', async () => {
    const first = await cli(server, ['workflow', 'run', 'fail-on-purpose', '-p', 'SHOULD_FAIL=false', '--id', 'cli-fixed-1', '--watch']);
    assert.equal(first.code, EXIT.ok, first.err);
    assert.match(first.out, /^workflow run cli-fixed-1 started \(fail-on-purpose on the local engine\)$/m);
    const again = await cli(server, ['workflow', 'run', 'fail-on-purpose', '--id', 'cli-fixed-1']);
    assert.equal(again.code, EXIT.ok, again.err);
    assert.equal(again.out, 'workflow run cli-fixed-1 is Succeeded (fail-on-purpose on the local engine)\n');

    const labelled = { a: { product: 'shop', environment: 'qa', release: 'r-1' }, b: { product: 'shop', environment: 'prod', application: 'web' }, c: { product: 'bank', environment: 'qa' } };
    for (const [id, labels] of Object.entries(labelled)) {
      const response = await fetch(`${server.url}/api/v1/workflow-runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `cli-label-${id}`, template: 'fail-on-purpose', parameters: { SHOULD_FAIL: 'false' }, labels }),
      });
      assert.equal(response.status, 201, await response.text());
    }
    const ids = async (...args: string[]) => {
      const r = await cli(server, ['workflow', 'runs', ...args, '-o', 'json']);
      assert.equal(r.code, EXIT.ok, r.err);
      return (JSON.parse(r.out) as { id: string }[]).map((run) => run.id).filter((id) => id.startsWith('cli-label-')).sort();
    };
    for (let tries = 0; (await ids('--status', 'Succeeded')).length < 3 && tries < 200; tries += 1) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await ids('--status', 'Succeeded', '--template', 'fail-on-purpose'), ['cli-label-a', 'cli-label-b', 'cli-label-c']);
    assert.deepEqual(await ids('--product', 'shop'), ['cli-label-a', 'cli-label-b']);
    assert.deepEqual(await ids('--environment', 'qa'), ['cli-label-a', 'cli-label-c']);
    assert.deepEqual(await ids('--product', 'shop', '--environment', 'qa'), ['cli-label-a']);
    assert.deepEqual(await ids('--application', 'web'), ['cli-label-b']);
    assert.deepEqual(await ids('--release', 'r-1'), ['cli-label-a']);
    assert.deepEqual(await ids('--status', 'Failed', '--product', 'shop'), []);
    const newest = await cli(server, ['workflow', 'runs', '--limit', '1', '-o', 'json']);
    assert.deepEqual((JSON.parse(newest.out) as { id: string }[]).map((r) => r.id), ['cli-label-c']);

    for (const bad of [['--limit', '0'], ['--limit', 'many'], ['--status', 'Done'], ['--status', 'Failed', '--phase', 'Running']]) {
      const r = await cli(server, ['workflow', 'runs', ...bad]);
      assert.equal(r.code, EXIT.usage, `${bad.join(' ')}: ${r.err}`);
    }
  });

  test('usage errors and an unreachable server have their own exit codes', async () => {
    assert.equal((await cli(server, ['get', 'gizmos'])).code, EXIT.usage);
    assert.equal((await cli(server, ['get', 'environments', '-o', 'xml'])).code, EXIT.usage);
    assert.equal((await cli(server, ['apply'])).code, EXIT.usage);
    const noToken = await cli(server, ['get', 'environments'], { token: null });
    assert.equal(noToken.code, EXIT.usage);
    assert.match(noToken.err, /no token/);
    const down = await cli('http://127.0.0.1:9', ['get', 'environments']);
    assert.equal(down.code, EXIT.unavailable);
    assert.match(down.err, /cannot reach the server at http:\/\/127\.0\.0\.1:9/);
  });
});
