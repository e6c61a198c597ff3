import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseServerConfig } from '../config.ts';
import type { DeploymentStatus, DeploymentTarget } from './port.ts';
import { isTerminalDeploymentState } from './port.ts';
import { selectDeploymentStatus } from './select.ts';

const target: DeploymentTarget = {
  application: 'cf-101-qa',
  repoURL: 'https://git.example/cf-101.git',
  branch: 'main',
  folder: 'envs/qa',
  commit: '5e6f7a8b'.padEnd(40, '0'),
};

function stub(kind: 'git' | 'argocd'): DeploymentStatus {
  return {
    kind,
    check: async () => ({ state: 'ready', message: `${kind} says ready`, observed: { sync: 'Synced', health: 'Healthy' } }),
  };
}

describe('selectDeploymentStatus', () => {
  const git = stub('git');
  const argocd = stub('argocd');

  test('an application without spec.argocd is checked with git, with or without Argo CD settings', () => {
    assert.equal(selectDeploymentStatus(target, { git, argocd }), git);
    assert.equal(selectDeploymentStatus(target, { git }), git);
  });

  test('an application naming an Argo CD application uses Argo CD when the server has settings for it', () => {
    assert.equal(selectDeploymentStatus({ ...target, argocd: { name: 'cf-101-qa' } }, { git, argocd }), argocd);
  });

  test('without Argo CD settings it falls back to git, and every message says so', async () => {
    const chosen = selectDeploymentStatus({ ...target, argocd: { name: 'shop-qa' } }, { git });
    assert.equal(chosen.kind, 'git');
    // Also for messages made without asking it (the sync wait right after the push).
    assert.equal(chosen.note, 'Argo CD application "shop-qa" is named, but this server has no argocd settings: checked with git');
    assert.deepEqual(await chosen.check({ ...target, argocd: { name: 'shop-qa' } }), {
      state: 'ready',
      message: 'git says ready (Argo CD application "shop-qa" is named, but this server has no argocd settings: checked with git)',
      observed: { sync: 'Synced', health: 'Healthy' },
    });
  });

  test('ready and failed end the wait; waiting does not', () => {
    assert.deepEqual(
      (['waiting', 'ready', 'failed'] as const).map(isTerminalDeploymentState),
      [false, true, true],
    );
  });
});

describe('argocd server settings', () => {
  test('are optional, and taken as given', () => {
    assert.equal(parseServerConfig({}).argocd, undefined);
    assert.deepEqual(parseServerConfig({ argocd: { baseUrl: 'https://argocd.example.com', token: 't0k3n', refreshSeconds: 10 } }).argocd, {
      baseUrl: 'https://argocd.example.com',
      token: 't0k3n',
      refreshSeconds: 10,
    });
  });

  test('a bad setting stops the start with every problem listed', () => {
    assert.throws(
      () => parseServerConfig({ argocd: { baseUrl: 'argocd.example.com', token: '', refreshSeconds: -1, insecure: true } as never }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /argocd\.baseUrl/);
        assert.match(error.message, /argocd\.token/);
        assert.match(error.message, /argocd\.refreshSeconds/);
        assert.match(error.message, /insecure/);
        return true;
      },
    );
  });
});
