import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { localRepositoryPath } from './server.ts';
import { testApp } from './testing/harness.ts';

describe('repositories on the server\'s own disk', () => {
  test('which repository URLs name a local path', () => {
    const table: [string, string | undefined][] = [
      ['/srv/git/app.git', '/srv/git/app.git'],
      ['./app.git', './app.git'],
      ['file:///srv/git/my%20app.git', '/srv/git/my app.git'],
      ['https://git.example.com/acme/app.git', undefined],
      ['ssh://git@git.example.com/acme/app.git', undefined],
      ['git@git.example.com:acme/app.git', undefined],
    ];
    for (const [url, path] of table) assert.equal(localRepositoryPath(url), path, url);
  });

  const app = (repoURL: string) => `apiVersion: stagecoach.dev/v1alpha1
kind: Environment
metadata: {name: dev}
spec: {kind: non-production}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Environment
metadata: {name: qa}
spec: {kind: non-production}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Product
metadata: {name: p}
spec: {}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Application
metadata: {name: p-dev}
spec: {product: p, environment: dev, source: {repoURL: "${repoURL}", path: envs/dev}}
---
apiVersion: stagecoach.dev/v1alpha1
kind: Application
metadata: {name: p-qa}
spec: {product: p, environment: qa, source: {repoURL: "${repoURL}", path: envs/qa}}
`;

  test('the data folder is never a repository, and local repositories can be turned off', async () => {
    const h = await testApp();
    try {
      assert.equal((await h.call('POST', '/api/v1/apply', { yaml: app(`${h.dataDir}/git/x`) })).status, 200);
      const r = await h.call('POST', '/api/v1/promotions/preview', { json: { product: 'p', from: 'dev', to: 'qa' } });
      assert.equal(r.status, 422, r.text);
      assert.match(r.json.message, /data folder is not a repository/);
    } finally {
      await h.close();
    }
    const off = await testApp({ allowLocalRepositories: false });
    try {
      assert.equal((await off.call('POST', '/api/v1/apply', { yaml: app('/srv/git/app.git') })).status, 200);
      const r = await off.call('POST', '/api/v1/promotions/preview', { json: { product: 'p', from: 'dev', to: 'qa' } });
      assert.equal(r.status, 422, r.text);
      assert.match(r.json.message, /allowLocalRepositories: false/);
    } finally {
      await off.close();
    }
  });
});
