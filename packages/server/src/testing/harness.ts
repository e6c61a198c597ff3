import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../server.ts';
import type { ServerConfigInput } from '../config.ts';
import type { Clock } from '../clock.ts';

/** The repository's examples folder. */
export const EXAMPLES_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'examples');

/** A clock that only moves when told to. */
export function fixedClock(iso = '2026-01-02T03:04:05.000Z'): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (next) => void (now = new Date(next)) };
}

export const ADMIN_SECRET = 'sct_test-admin-secret-0000000000';

/**
 * A real server application on a fresh SQLite file in a temporary folder, with an admin token,
 * called in-process through `app.request` (no socket).
 */
export async function testApp(options: Pick<ServerConfigInput, 'databaseUrl' | 'allowLocalRepositories' | 'orchestrator'> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'stagecoach-api-'));
  const clock = fixedClock();
  const built = await buildServer({ dataDir, adminToken: ADMIN_SECRET, webDist: join(dataDir, 'no-web'), ...options }, clock);
  await built.tokens.bootstrap(ADMIN_SECRET);
  const call = async (method: string, path: string, init: { token?: string | null; json?: unknown; yaml?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? ADMIN_SECRET : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.yaml !== undefined) {
      headers['content-type'] = 'application/yaml';
      body = init.yaml;
    }
    const response = await built.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  };
  /** Creates a token of a role and returns its secret. */
  const tokenFor = async (role: 'admin' | 'member' | 'viewer', name = `${role}-token`) => {
    const made = await built.tokens.create({ name, role });
    if (!made.ok) throw new Error(made.error.message);
    return made.value.secret;
  };
  return {
    ...built,
    clock,
    dataDir,
    call,
    tokenFor,
    async close() {
      await built.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every example file as `{name, content}`, sorted, as the CLI sends them. */
export async function exampleFiles(): Promise<{ name: string; content: string }[]> {
  const names = (await readdir(EXAMPLES_DIR)).filter((n) => n.endsWith('.yaml')).sort();
  return Promise.all(names.map(async (n) => ({ name: `examples/${n}`, content: await readFile(join(EXAMPLES_DIR, n), 'utf8') })));
}
