import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDemo, seedDemo, startServer, type RunningServer } from '@stagecoach/server';
import type { Io } from '../io.ts';
import { main } from '../main.ts';

/** A server of CLI tests: a fresh demo workspace with its resources applied, `admin` accepted, fast release checks, no polling. */
export interface DemoServer {
  server: RunningServer;
  /** The demo's data folder (its repositories are in `demo/repos`). */
  dataDir: string;
  /** Runs the CLI in-process against the server as the admin and returns its exit code and what it printed. */
  cli(args: string[]): Promise<{ code: number; out: string; err: string }>;
  /** Calls the API as the admin (with a JSON body when given) and returns the answer's JSON. */
  api(method: string, path: string, json?: unknown): Promise<any>;
  close(): Promise<void>;
}

export async function startDemoServer(admin: string): Promise<DemoServer> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-cli-demo-'));
  const dataDir = join(dir, 'data');
  const demo = await seedDemo({ dataDir });
  const server = await startServer({ port: 0, dataDir, adminToken: admin, allowLocalRepositories: true, orchestrator: { checkMilliseconds: 50, tickMilliseconds: 50 }, triggers: { pollInterval: '0' } });
  const applied = await applyDemo(server.store, demo.resources);
  assert.ok(applied.ok);
  return {
    server,
    dataDir,
    async cli(args) {
      let out = '';
      let err = '';
      const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), env: { STAGECOACH_SERVER: server.url, STAGECOACH_TOKEN: admin }, isTty: false, readStdin: async () => '' };
      const code = await main(['node', 'stagecoach', ...args], io);
      return { code, out, err };
    },
    async api(method, path, json) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, ...(json ? { 'content-type': 'application/json' } : {}) },
        ...(json ? { body: JSON.stringify(json) } : {}),
      });
      return response.json();
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
