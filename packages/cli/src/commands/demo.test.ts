import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../errors.ts';
import type { Io } from '../io.ts';
import { main } from '../main.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'stagecoach.js');

interface Demo {
  child: ChildProcess;
  /** Resolves with the output once the demo is ready; rejects when it ends or cannot start first. */
  ready: Promise<string>;
  /** Resolves once the process has ended, however it ended; never rejects. */
  ended: Promise<string>;
}

/** Starts `stagecoach demo` as a real process. */
function startDemo(args: string[]): Demo {
  const child = spawn(process.execPath, [BIN, 'demo', ...args], { env: { ...process.env, STAGECOACH_ADMIN_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  child.stdout!.on('data', (c) => (out += c));
  // Settled from 'exit' or 'error' alone, so stopping a process that already died (by a signal, or
  // never started) cannot leave the test waiting on an event that has come and gone.
  const ended = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `the signal ${signal}` : `exit code ${code}`));
    child.once('error', (error) => resolve(`a failure to start: ${error.message}`));
  });
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      if (out.includes('Open http')) resolve(out);
    });
    void ended.then((how) => reject(new Error(`the demo ended by ${how}\nstderr: ${err}\nstdout: ${out}`)));
  });
  return { child, ready, ended };
}

/** Sends SIGTERM unless the process has ended, and resolves with how it ended. */
function stop(demo: Demo): Promise<string> {
  if (demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGTERM');
  return demo.ended;
}

/** Runs the CLI in-process and captures what it prints. */
async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), env: {}, isTty: false, readStdin: async () => '' };
  const code = await main(['node', 'stagecoach', ...args], io);
  return { code, out, err };
}

test('stagecoach demo seeds, serves and applies the demo once; demo commit makes a new version', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-demo-cli-'));
  const dataDir = join(dir, 'data');
  let running: Demo | undefined;
  try {
    const first = startDemo(['--port', '0', '--data-dir', dataDir]);
    running = first;
    const out = await first.ready;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const token = /export STAGECOACH_TOKEN=(sct_\S+)/.exec(out)?.[1];
    assert.ok(url && token, out);
    assert.match(out, new RegExp(`Demo repositories in ${join(dataDir, 'demo', 'repos')}: cf-101 \\(6 environments, new\\), billing-api \\(3 environments, new\\), web-portal \\(4 environments, new\\)`));
    assert.match(out, /Demo resources applied: 40 created\n/);
    assert.match(out, /promote cf-101 --from dev --to qa --dry-run/);
    assert.match(out, new RegExp(`demo commit cf-101 --env dev --data-dir ${dataDir}`));

    const get = async (path: string) => {
      const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200, path);
      return r.json() as Promise<any>;
    };
    assert.deepEqual((await get('/api/v1/products')).items.map((p: any) => p.metadata.name).sort(), ['billing-api', 'cf-101', 'web-portal']);
    const devVersion = async () => (await get('/api/v1/products/cf-101/versions')).environments.find((e: any) => e.environment === 'dev').applications[0].version;
    assert.equal(await devVersion(), '1.4.0');

    // `--data-dir` after the product, as the banner shows it, works without the server.
    const made = await cli(['demo', 'commit', 'cf-101', '--env', 'dev', '--data-dir', dataDir]);
    assert.equal(made.code, EXIT.ok, made.err);
    assert.match(made.out, /^cf-101 dev: 1\.4\.0 → 1\.4\.1, commit [0-9a-f]{40} on main by Tom Becker\n$/);
    assert.equal(await devVersion(), '1.4.1');
    const chosen = await cli(['demo', '--data-dir', dataDir, 'commit', 'billing-api', '--env', 'qa', '--version', '2.8.0']);
    assert.match(chosen.out, /^billing-api qa: 2\.7\.1 → 2\.8\.0/);

    assert.equal(await stop(first), 'exit code 0');

    // A second start keeps the repositories and finds every resource unchanged.
    const second = startDemo(['--port', '0', '--data-dir', dataDir]);
    running = second;
    const again = await second.ready;
    assert.doesNotMatch(again, /sct_|, new\)/);
    assert.match(again, /Demo resources applied: 40 unchanged\n/);
    assert.match(again, new RegExp(`STAGECOACH_TOKEN=\\$\\(cat ${join(dataDir, 'initial-admin-token')}\\)`));
    assert.equal(await stop(second), 'exit code 0');
  } finally {
    if (running) await stop(running);
    await rm(dir, { recursive: true, force: true });
  }
});

test('demo commit names what is wrong', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-demo-cli-'));
  try {
    const missing = await cli(['demo', 'commit', 'cf-101', '--env', 'dev', '--data-dir', dir]);
    assert.equal(missing.code, EXIT.refused);
    assert.match(missing.err, /^error: no demo repository at .*cf-101\.git; start the demo once/);
    const unknown = await cli(['demo', 'commit', 'shop', '--env', 'dev', '--data-dir', dir]);
    assert.match(unknown.err, /"shop" is not a demo product/);
    assert.equal((await cli(['demo', 'commit', 'cf-101'])).code, EXIT.usage);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
