import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { commitFiles, createBareRepo, revParse, tempDir, type TempDir } from '../testing/git-fixtures.ts';
import { testApp } from '../testing/harness.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

const FILES = {
  'envs/dev/Chart.yaml': 'apiVersion: v2\nname: cf-101\nversion: 1.4.0\nappVersion: "2.0.0"\n',
  'envs/dev/values.yaml': '# cf-101 values\nimage:\n  tag: "2.0.0"\nreplicas: 2\n',
  'envs/qa/Chart.yaml': 'apiVersion: v2\nname: cf-101\nversion: 1.3.0\nappVersion: "1.9.0"\n',
  'envs/qa/values.yaml': '# cf-101 values\nimage:\n  tag: "1.9.0"\nreplicas: 3\n',
  'envs/qa/notes.txt': 'qa notes\n',
};

const PROMOTED = [
  {
    path: 'envs/qa/Chart.yaml',
    status: 'modified',
    before: FILES['envs/qa/Chart.yaml'],
    after: 'apiVersion: v2\nname: cf-101\nversion: 1.4.0\nappVersion: "2.0.0"\n',
  },
  {
    path: 'envs/qa/values.yaml',
    status: 'modified',
    before: FILES['envs/qa/values.yaml'],
    after: '# cf-101 values\nimage:\n  tag: "2.0.0"\nreplicas: 3\n',
  },
];

describe('the files of a local pull request, through GET /api/v1/pull-requests/{id}/files', () => {
  let h: Harness;
  let root: TempDir;
  let repoURL: string;

  before(async () => {
    root = await tempDir();
    repoURL = (await createBareRepo({ root: root.path, name: 'cf-101.git', files: FILES })).path;
    h = await testApp();
  });
  after(async () => {
    await h.close();
    await root.cleanup();
  });

  /** Runs the pr action of a release promoting dev to qa; the pull request it opens. */
  async function promote(release: string): Promise<{ id: string; head: string }> {
    const outcome = await h.actions.get('pr').run({
      release,
      product: 'cf-101',
      environment: 'qa',
      application: { name: 'cf-101-qa', repoURL, branch: 'main', folder: 'envs/qa' },
      source: { repoURL, branch: 'main', commit: (await revParse(repoURL, 'main'))!, folder: 'envs/dev' },
      promotion: { 'Chart.yaml': { jsonPaths: ['$.appVersion', '$.version'] }, 'values.yaml': { jsonPaths: ['$.image.tag'] } },
      author: { name: 'Stagecoach', email: 'stagecoach@example.com' },
      now: new Date('2026-01-02T03:04:05Z'),
    });
    assert.equal(outcome.status, 'suspended', JSON.stringify(outcome));
    const open = (await h.pullRequests.list({ state: 'open' })).find((pr) => pr.head.startsWith(`stagecoach/${release}/`));
    assert.ok(open);
    return open;
  }

  test('open: the promoted files before and after; still so when the base moves on; any role reads them; after the merge the same', async () => {
    const baseTip = (await revParse(repoURL, 'main'))!;
    const pr = await promote('rel-files');
    const headTip = (await revParse(repoURL, pr.head))!;

    const r = await h.call('GET', `/api/v1/pull-requests/${pr.id}/files`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { from: baseTip, to: headTip, files: PROMOTED });

    // Someone else changes the base branch meanwhile: the pull request's own change is still what is shown.
    await commitFiles(repoURL, { branch: 'main', files: { 'envs/qa/notes.txt': 'new notes\n' } });
    const viewer = await h.tokenFor('viewer', 'files-viewer');
    const seen = await h.call('GET', `/api/v1/pull-requests/${pr.id}/files`, { token: viewer });
    assert.equal(seen.status, 200, seen.text);
    assert.deepEqual(seen.json, { from: baseTip, to: headTip, files: PROMOTED });

    const merged = await h.call('POST', `/api/v1/pull-requests/${pr.id}/merge`);
    assert.equal(merged.status, 200, merged.text);
    const after = await h.call('GET', `/api/v1/pull-requests/${pr.id}/files`);
    assert.equal(after.status, 200, after.text);
    assert.deepEqual(after.json, { from: baseTip, to: headTip, files: PROMOTED }, 'the branch is deleted; the merge commit still knows its head');
  });

  test('closed: 409, its branch is gone', async () => {
    await commitFiles(repoURL, { branch: 'main', files: { 'envs/qa/Chart.yaml': FILES['envs/qa/Chart.yaml'], 'envs/qa/values.yaml': FILES['envs/qa/values.yaml'] } });
    const pr = await promote('rel-closed');
    assert.equal((await h.call('POST', `/api/v1/pull-requests/${pr.id}/close`)).status, 200);
    const r = await h.call('GET', `/api/v1/pull-requests/${pr.id}/files`);
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.code, 'conflict');
    assert.equal(r.json.message, `pull request ${pr.id} is closed; its branch is gone`);
  });

  test('an unknown id is 404', async () => {
    const r = await h.call('GET', '/api/v1/pull-requests/nope/files');
    assert.equal(r.status, 404);
    assert.equal(r.json.message, 'pull request "nope" not found');
  });

  test('added and deleted files, binary and too large ones, commits pushed to the branch later; at most 200 files', async () => {
    const base = (await revParse(repoURL, 'main'))!;
    const big = `${'x'.repeat(1024)}\n`.repeat(1100);
    await commitFiles(repoURL, {
      branch: 'by-hand',
      from: 'origin/main',
      files: { 'envs/qa/notes.txt': null, 'envs/qa/new.yaml': 'a: 1\n', 'envs/qa/logo.png': 'PNG\u0000\u0001', 'envs/qa/big.txt': big },
    });
    const tip = await commitFiles(repoURL, { branch: 'by-hand', files: { 'envs/qa/new.yaml': 'a: 2\n' } });
    const opened = await h.pullRequests.open({ repoURL, base: 'main', head: 'by-hand', title: 'by hand', body: '' });
    const r = await h.call('GET', `/api/v1/pull-requests/${opened.id}/files`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, {
      from: base,
      to: tip,
      files: [
        { path: 'envs/qa/big.txt', status: 'added', before: null, after: null, tooLarge: true },
        { path: 'envs/qa/logo.png', status: 'added', before: null, after: null, binary: true },
        { path: 'envs/qa/new.yaml', status: 'added', before: null, after: 'a: 2\n' },
        { path: 'envs/qa/notes.txt', status: 'deleted', before: 'new notes\n', after: null },
      ],
    });

    const many = Object.fromEntries(Array.from({ length: 205 }, (_, i) => [`many/${String(i).padStart(3, '0')}.txt`, `${i}\n`]));
    await commitFiles(repoURL, { branch: 'many', from: 'origin/main', files: many });
    const lots = await h.pullRequests.open({ repoURL, base: 'main', head: 'many', title: 'many', body: '' });
    const listed = await h.call('GET', `/api/v1/pull-requests/${lots.id}/files`);
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.json.files.length, 200);
    assert.equal(listed.json.truncated, true);
    assert.equal(listed.json.files[199].path, 'many/199.txt');
  });
});
