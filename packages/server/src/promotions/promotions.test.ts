import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBareRepo, commitFiles, fixtureGit, readAt, revParse, tempDir, type TempDir } from '../testing/git-fixtures.ts';
import { startGitHttpServer, type GitHttpServer } from '../testing/git-http-server.ts';
import { testApp } from '../testing/harness.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

const USER = 'deployer';
const PASSWORD = 's3cret-password-never-shown';

export const FILES = {
  'envs/dev/Chart.yaml': 'apiVersion: v2\nname: cf-101\nversion: 1.4.0\nappVersion: "2.0.0"\n',
  'envs/dev/values.yaml': '# cf-101 values\nimage:\n  repository: acme/cf-101\n  tag: "2.0.0"  # the image\nreplicas: 2\n',
  'envs/qa/Chart.yaml': 'apiVersion: v2\nname: cf-101\nversion: 1.3.0\nappVersion: "1.9.0"\n',
  'envs/qa/values.yaml': '# cf-101 values\nimage:\n  repository: acme/cf-101\n  tag: "1.9.0"  # the image\nreplicas: 3\n',
  'envs/qa/notes.txt': 'qa notes\n',
  'envs/dev/notes.txt': 'dev notes\n',
};

function resources(repoURL: string, extra = ''): string {
  const env = (name: string, order: number) => `apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: {name: ${name}}\nspec: {kind: non-production, order: ${order}}\n`;
  const app = (env: string, branch = 'main') =>
    `apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: cf-101-${env}}\nspec: {product: cf-101, environment: ${env}, source: {repoURL: "${repoURL}", targetRevision: ${branch}, path: envs/${env}}}\n`;
  return [
    env('dev', 1),
    env('qa', 2),
    `apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: cf-101}
spec:
  promotionTemplate:
    versionSource: {file: Chart.yaml, jsonPath: $.appVersion}
    promotion:
      Chart.yaml: {jsonPaths: [$.appVersion, $.version]}
      values.yaml: {jsonPaths: [$.image.tag]}
`,
    app('dev'),
    app('qa'),
    extra,
  ]
    .filter(Boolean)
    .join('---\n');
}

describe('promotion preview and versions against a real repository over smart HTTP', () => {
  let h: Harness;
  let root: TempDir;
  let git: GitHttpServer;
  let repoURL: string;
  let repoPath: string;

  before(async () => {
    root = await tempDir();
    const repo = await createBareRepo({ root: root.path, name: 'cf-101.git', files: FILES });
    repoPath = repo.path;
    git = await startGitHttpServer({ root: root.path, username: USER, password: PASSWORD });
    repoURL = git.url('cf-101.git');
    h = await testApp();
    const applied = await h.call('POST', '/api/v1/apply', { yaml: resources(repoURL) });
    assert.equal(applied.status, 200, applied.text);
  });
  after(async () => {
    await h.close();
    await git.close();
    await root.cleanup();
  });

  test('without a credential the repository refuses, and the answer says so without a stack trace', async () => {
    const r = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'cf-101', from: 'dev', to: 'qa' } });
    assert.equal(r.status, 502, r.text);
    assert.equal(r.json.code, 'git_unavailable');
    assert.equal(r.json.details[0].rule, 'unauthorized');
  });

  test('a wrong password is refused and never echoed', async () => {
    const made = await h.call('POST', '/api/v1/credentials', { json: { name: 'wrong', urlPrefix: repoURL, type: 'basic', username: USER, password: 'not-the-password' } });
    assert.equal(made.status, 201, made.text);
    const r = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'cf-101', from: 'dev', to: 'qa' } });
    assert.equal(r.status, 502);
    assert.ok(!r.text.includes('not-the-password'));
    assert.equal((await h.call('DELETE', '/api/v1/credentials/wrong')).status, 200);
  });

  test('with a stored credential, the preview gives each property, old → new, and a diff', async () => {
    const made = await h.call('POST', '/api/v1/credentials', { json: { name: 'deployer', urlPrefix: git.url(''), type: 'basic', username: USER, password: PASSWORD } });
    assert.equal(made.status, 201, made.text);
    assert.ok(!made.text.includes(PASSWORD));
    const listed = await h.call('GET', '/api/v1/credentials');
    assert.ok(!listed.text.includes(PASSWORD));

    const r = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'cf-101', from: 'dev', to: 'qa' } });
    assert.equal(r.status, 200, r.text);
    const [set] = r.json.changeSets;
    assert.equal(r.json.changeSets.length, 1);
    assert.equal(set.application, 'cf-101-qa');
    assert.deepEqual(set.templates, ['inline']);
    assert.equal(set.noChange, false);
    assert.deepEqual(
      set.files.map((f: { path: string; edits: unknown[] }) => [f.path, f.edits]),
      [
        [
          'Chart.yaml',
          [
            { path: '$.version', old: '1.3.0', new: '1.4.0' },
            { path: '$.appVersion', old: '1.9.0', new: '2.0.0' },
          ],
        ],
        ['values.yaml', [{ path: '$.image.tag', old: '1.9.0', new: '2.0.0' }]],
      ],
    );
    const values = set.files[1];
    assert.equal(values.after, '# cf-101 values\nimage:\n  repository: acme/cf-101\n  tag: "2.0.0"  # the image\nreplicas: 3\n');
    assert.match(values.diff, /^--- a\/values\.yaml\n\+\+\+ b\/values\.yaml\n/);
    assert.match(values.diff, /^-  tag: "1\.9\.0"  # the image$/m);
    assert.match(values.diff, /^\+  tag: "2\.0\.0"  # the image$/m);
    assert.deepEqual(r.json.policy.fields.action, { value: 'commit', source: { type: 'default' } });
  });

  test('inline settings override the policy in the preview', async () => {
    const r = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'cf-101', from: 'dev', to: 'qa', inline: { action: 'pr' } } });
    assert.deepEqual(r.json.policy.fields.action, { value: 'pr', source: { type: 'inline', name: 'preview' } });
  });

  test('versions: per environment and application, with the last change to the folder', async () => {
    const r = await h.call('GET', '/api/v1/products/cf-101/versions');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json.environments.map((e: { environment: string; applications: { application: string; version: string }[] }) => [e.environment, e.applications.map((a) => [a.application, a.version])]),
      [
        ['dev', [['cf-101-dev', '2.0.0']]],
        ['qa', [['cf-101-qa', '1.9.0']]],
      ],
    );
    const dev = r.json.environments[0].applications[0];
    assert.match(dev.lastChange.sha, /^[0-9a-f]{40}$/);
    assert.equal(dev.lastChange.message.trim(), 'initial commit');
    assert.equal(dev.branch, 'main');

    await commitFiles(repoPath, { branch: 'main', files: { 'envs/dev/Chart.yaml': FILES['envs/dev/Chart.yaml'].replace('2.0.0', '2.1.0') }, message: 'bump dev to 2.1.0' });
    const after = await h.call('GET', '/api/v1/products/cf-101/versions');
    const dev2 = after.json.environments[0].applications[0];
    assert.equal(dev2.version, '2.1.0');
    assert.equal(dev2.lastChange.message.trim(), 'bump dev to 2.1.0');
    assert.equal(after.json.environments[1].applications[0].lastChange.sha, r.json.environments[1].applications[0].lastChange.sha, 'qa folder untouched');
  });

  test('bad input: unknown environment, a missing branch, a missing version file, a non-YAML file with a JSONPath', async () => {
    const unknown = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'cf-101', from: 'dev', to: 'prod' } });
    assert.equal(unknown.status, 422);
    assert.deepEqual(unknown.json.details.map((p: { path: string; rule: string }) => [p.path, p.rule]), [['to', 'unknown-reference']]);

    const extra = `apiVersion: stagecoach.dev/v1alpha1
kind: Environment
metadata: {name: staging}
spec: {kind: non-production, order: 3}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Application
metadata: {name: cf-101-staging}
spec: {product: cf-101, environment: staging, source: {repoURL: "${repoURL}", targetRevision: release-9, path: envs/staging}}
`;
    assert.equal((await h.call('POST', '/api/v1/apply', { yaml: extra })).status, 200);
    const branch = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'cf-101', from: 'dev', to: 'staging' } });
    assert.equal(branch.status, 422, branch.text);
    assert.equal(branch.json.details[0].rule, 'branch-not-found');
    assert.match(branch.json.message, /release-9/);
    assert.ok(!branch.text.includes(PASSWORD));

    const versions = await h.call('GET', '/api/v1/products/cf-101/versions');
    const staging = versions.json.environments.find((e: { environment: string }) => e.environment === 'staging').applications[0];
    assert.equal(staging.version, undefined);
    assert.match(staging.reason, /release-9/);

    const template = `apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: cf-101}
spec:
  promotionTemplate:
    versionSource: {file: VERSION.yaml, jsonPath: $.version}
    promotion:
      notes.txt: {jsonPaths: [$.x]}
`;
    assert.equal((await h.call('POST', '/api/v1/apply', { yaml: template })).status, 200);
    const v = await h.call('GET', '/api/v1/products/cf-101/versions');
    assert.match(v.json.environments[0].applications[0].reason, /VERSION\.yaml/);
    const notes = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'cf-101', from: 'dev', to: 'qa' } });
    assert.equal(notes.status, 200);
    const problems = notes.json.changeSets[0].problems.map((p: { rule: string; path: string }) => [p.path, p.rule]);
    assert.deepEqual(problems, [['notes.txt', 'not-structured']]);
  });

  test('a pull request of the local provider: opened by the pr action, merged through the API, and the action continues', async () => {
    const template = `apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: cf-101}
spec:
  promotionTemplate:
    versionSource: {file: Chart.yaml, jsonPath: $.appVersion}
    promotion:
      values.yaml: {jsonPaths: [$.image.tag]}
`;
    assert.equal((await h.call('POST', '/api/v1/apply', { yaml: template })).status, 200);
    const source = (await revParse(repoPath, 'main'))!;
    const request = {
      release: 'rel-local',
      product: 'cf-101',
      environment: 'qa',
      application: { name: 'cf-101-qa', repoURL, branch: 'main', folder: 'envs/qa' },
      source: { repoURL, branch: 'main', commit: source, folder: 'envs/dev' },
      promotion: { 'values.yaml': { jsonPaths: ['$.image.tag'] } },
      author: { name: 'Stagecoach', email: 'stagecoach@example.com' },
      now: new Date('2026-01-02T03:04:05Z'),
    };
    const pr = h.actions.get('pr');
    const first = await pr.run(request);
    assert.equal(first.status, 'suspended', JSON.stringify(first));
    const listed = await h.call('GET', '/api/v1/pull-requests?state=open');
    assert.equal(listed.status, 200);
    assert.equal(listed.json.items.length, 1);
    const [open] = listed.json.items;
    assert.equal(open.head, 'stagecoach/rel-local/qa/cf-101-qa');
    assert.equal(open.url, `${h.links.base}/pull-requests/${open.id}`);

    const viewer = await h.tokenFor('viewer', 'pr-viewer');
    assert.equal((await h.call('POST', `/api/v1/pull-requests/${open.id}/merge`, { token: viewer })).status, 403);
    const merged = await h.call('POST', `/api/v1/pull-requests/${open.id}/merge`);
    assert.equal(merged.status, 200, merged.text);
    assert.equal(merged.json.state, 'merged');
    assert.equal(merged.json.mergeCommit, await revParse(repoPath, 'main'));
    assert.equal((await h.call('POST', `/api/v1/pull-requests/${open.id}/close`)).status, 409, 'a merged pull request cannot be closed');
    const done = await pr.run(request);
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.equal(await readAt(repoPath, 'main', 'envs/qa/values.yaml'), '# cf-101 values\nimage:\n  repository: acme/cf-101\n  tag: "2.0.0"  # the image\nreplicas: 3\n');
  });

  test('a symlink in the application folder is never followed', async () => {
    const template = `apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: cf-101}
spec:
  promotionTemplate:
    promotion:
      notes.txt: {jsonPaths: []}
`;
    assert.equal((await h.call('POST', '/api/v1/apply', { yaml: template })).status, 200);
    const scratch = await tempDir();
    try {
      await fixtureGit(['clone', '--quiet', repoPath, scratch.path]);
      await fixtureGit(['-c', 'user.name=t', '-c', 'user.email=t@t', 'rm', '--quiet', 'envs/qa/notes.txt'], { cwd: scratch.path });
      const { symlink } = await import('node:fs/promises');
      await symlink('../../../../etc/passwd', `${scratch.path}/envs/qa/notes.txt`);
      await fixtureGit(['add', '-A'], { cwd: scratch.path });
      await fixtureGit(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'link out'], { cwd: scratch.path });
      await fixtureGit(['push', '--quiet', 'origin', 'main'], { cwd: scratch.path });
    } finally {
      await scratch.cleanup();
    }
    const r = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'cf-101', from: 'dev', to: 'qa' } });
    assert.equal(r.status, 200, r.text);
    const escape = r.json.changeSets[0].problems.find((p: { rule: string }) => p.rule === 'path-escape');
    assert.ok(escape, JSON.stringify(r.json.changeSets[0].problems));
    assert.match(escape.message, /notes\.txt.*symlink/);
  });
});
