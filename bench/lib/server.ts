import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Release, ReleaseStatus } from '@stagecoach/core';
import { systemClock } from '../../packages/server/src/clock.ts';
import { buildServer } from '../../packages/server/src/server.ts';
import type { BenchContext } from './context.ts';

/** Release statuses after which nothing more happens. */
const ENDED: readonly ReleaseStatus[] = ['Succeeded', 'Failed', 'Terminated'];

/** How often the orchestrator looks for work and checks work that has not moved, in milliseconds. */
export interface OrchestratorTimings {
  checkMilliseconds: number;
  tickMilliseconds: number;
}

/** An answer of the in-process API. */
export interface ApiAnswer {
  status: number;
  json: any;
  text: string;
}

/** A whole Stagecoach server (SQLite store, local workflow engine, orchestrator) in this process. */
export interface BenchServer {
  /** Calls the API in-process (no socket) with the admin token; `body` is sent as JSON. */
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /**
   * The release once it has ended (Succeeded, Failed or Terminated), as the orchestrator stored
   * it; learnt from the server's change listener the moment it is written, not by polling.
   * Rejects after `timeoutMs`.
   */
  ended(id: string, timeoutMs: number): Promise<Release>;
  /** Brings a repository's `branch` into the server's Git cache (a fetch), as any earlier use would have. */
  warm(repoURL: string, branch: string): Promise<void>;
  /** Stops the orchestrator, the workflow engine and the store, and removes the data folder. */
  close(): Promise<void>;
}

/**
 * Builds a server as `stagecoach serve` does (the real clock, a SQLite store in a new data folder
 * under the run's scratch folder), with the run's Git credentials stored for the bench's git
 * HTTP server, and starts its orchestrator with `timings`. Trigger polling stays off.
 */
export async function startBenchServer(ctx: BenchContext, timings: OrchestratorTimings): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(ctx.scratch, 'server-'));
  const adminToken = `sct_bench-${randomBytes(16).toString('hex')}`;
  const built = await buildServer(
    {
      dataDir,
      adminToken,
      webDist: join(dataDir, 'no-web'),
      allowLocalRepositories: false,
      orchestrator: timings,
      triggers: { pollInterval: '0' },
    },
    systemClock,
  );
  const endedReleases = new Map<string, Release>();
  const waiting = new Map<string, (release: Release) => void>();
  built.releaseListeners.push((release) => {
    if (!ENDED.includes(release.status)) return;
    endedReleases.set(release.id, release);
    waiting.get(release.id)?.(release);
  });

  const call = async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await built.app.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };

  try {
    await built.tokens.bootstrap(adminToken);
    if (ctx.credentials.type !== 'basic') throw new Error('the bench server expects Basic credentials for the git HTTP server');
    const stored = await call('POST', '/api/v1/credentials', {
      name: 'bench-git',
      urlPrefix: ctx.server.url(''),
      type: 'basic',
      username: ctx.credentials.username,
      password: ctx.credentials.password,
    });
    if (stored.status !== 201) throw new Error(`storing the git credentials failed: ${stored.status} ${stored.text}`);
  } catch (error) {
    await built.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  built.orchestrator.start();

  return {
    call,
    ended(id, timeoutMs) {
      const known = endedReleases.get(id);
      if (known) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`release ${id} did not end within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        timer.unref();
        waiting.set(id, (release) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(release);
        });
      });
    },
    async warm(repoURL, branch) {
      await (await built.open(repoURL)).refreshBranch(branch);
    },
    async close() {
      try {
        await built.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The API's answer when it has `expected` status; otherwise throws with what came back. */
export function expectStatus(answer: ApiAnswer, expected: number, what: string): any {
  if (answer.status !== expected) throw new Error(`${what}: HTTP ${answer.status} (expected ${expected}): ${answer.text.slice(0, 2000)}`);
  return answer.json;
}

/** A one-line account of a release that did not succeed: its message and the tasks that did not. */
export function describeRelease(release: Release): string {
  const tasks = release.tasks.filter((t) => t.status !== 'Succeeded').map((t) => `${t.key}: ${t.status}${t.message ? ` (${t.message})` : ''}`);
  return `release ${release.id} ${release.status}${release.message ? `: ${release.message}` : ''}${tasks.length > 0 ? `; ${tasks.join('; ')}` : ''}`;
}
