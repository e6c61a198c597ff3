#!/usr/bin/env node
// Runs every test: node:test (through tsx) for core, server, cli and the browser tests of the web
// UI (packages/web/e2e), then vitest for the web UI's components.
// Ends with one line "N passed, N failed, N skipped" over both, and a non-zero exit on any failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function find(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) find(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let exit = 0;

const nodeFiles = [...['core', 'server', 'cli'].map((pkg) => join(root, 'packages', pkg, 'src')), join(root, 'packages', 'web', 'e2e')]
  .flatMap((dir) => find(dir))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (nodeFiles.length > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'stagecoach-test-'));
  const tap = join(dir, 'report.tap');
  const { code } = await run(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...nodeFiles],
    { cwd: root },
  );
  const report = readFileSync(tap, 'utf8');
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
  const node = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
  console.log(`node:test: ${node.passed} passed, ${node.failed} failed, ${node.skipped} skipped`);
  totals.passed += node.passed;
  totals.failed += node.failed;
  totals.skipped += node.skipped;
  if (code !== 0 && node.failed === 0) {
    // A file that failed to load runs no test, yet the run failed: count it as a failure.
    console.log('node:test: the run failed outside any test (a file did not load?)');
    totals.failed += 1;
  }
  if (code !== 0 || node.failed > 0 || node.passed === 0) exit = 1;
  rmSync(dir, { recursive: true, force: true });
}

if (only.length === 0 || only.some((o) => o.includes('web'))) {
  const { code, output } = await run(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run'], {
    cwd: join(root, 'packages/web'),
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const m = /vitest: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(output);
  if (m) {
    totals.passed += Number(m[1]);
    totals.failed += Number(m[2]);
    totals.skipped += Number(m[3]);
  }
  if (code !== 0 || !m) {
    exit = 1;
    if (!m || Number(m[2]) === 0) {
      console.log('vitest: the run failed outside any test (a file did not load?)');
      totals.failed += 1;
    }
  }
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exit);
