import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = join(import.meta.dirname, '..', 'bin', 'stagecoach.js');

/** Starts `stagecoach server` as a real child process and waits for its first lines. */
function startBin(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, STAGECOACH_ADMIN_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (out.includes('Open http')) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}${out}`)));
  });
  return { child, ready, output: () => ({ out, err }) };
}

test('the stagecoach command starts the server, prints the URL and the first admin token, and stops on SIGTERM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-bin-'));
  try {
    const server = startBin(['server', '--port', '0', '--data-dir', join(dir, 'data')]);
    const out = await server.ready;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(url, out);
    const token = /export STAGECOACH_TOKEN=(sct_\S+)/.exec(out)?.[1];
    assert.ok(token, out);
    const file = join(dir, 'data', 'initial-admin-token');
    assert.equal((await readFile(file, 'utf8')).trim(), token);
    assert.equal((await stat(file)).mode & 0o777, 0o600);

    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const envs = await fetch(`${url}/api/v1/environments`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(envs.status, 200);
    assert.deepEqual(await envs.json(), { items: [] });

    const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
    server.child.kill('SIGTERM');
    assert.equal(await exited, 0);

    // A second start on the same data keeps the token and prints none.
    const again = startBin(['server', '--port', '0', '--data-dir', join(dir, 'data')]);
    const out2 = await again.ready;
    assert.doesNotMatch(out2, /sct_/);
    // Signalled the moment it is ready, it still closes and exits 0.
    const stopped = new Promise((resolve) => again.child.on('exit', (code, signal) => resolve(signal ?? code)));
    again.child.kill('SIGTERM');
    assert.equal(await stopped, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad server settings stop the command with every problem and exit code 2', async () => {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '99999'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(err, /--port must be a number from 0 to 65535, got "99999"/);
});
