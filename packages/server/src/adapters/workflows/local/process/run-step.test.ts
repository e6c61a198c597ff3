import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLimiter } from './limiter.ts';
import { runStep } from './run-step.ts';
import type { RunStepOptions, StepResult, StepSpec } from './run-step.ts';

// Generous bounds: they only stop a broken test from hanging, never measure speed.
const TEST = { timeout: 60_000 };

let root: string;
/** A folder outside `root` where scripts leave pids and markers for the test to read. */
let shared: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'stagecoach-steps-'));
  shared = await mkdtemp(join(tmpdir(), 'stagecoach-shared-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(shared, { recursive: true, force: true });
});

function spec(fields: Partial<StepSpec>): StepSpec {
  return { command: [], args: [], env: {}, image: 'alpine:3.20', outputs: [], ...fields };
}

function script(source: string, fields: Partial<StepSpec> = {}): StepSpec {
  return spec({ script: { source }, env: { SHARED: shared }, ...fields });
}

function run(step: StepSpec, options: Partial<RunStepOptions> = {}): Promise<StepResult> {
  return runStep(step, { root, ...options }).done;
}

async function stepFolders(): Promise<string[]> {
  return readdir(root);
}

async function waitForFile(path: string, limitMs = 20_000): Promise<string> {
  for (const start = Date.now(); Date.now() - start < limitMs; await sleep(20)) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined && text.endsWith('\n')) return text.trim();
  }
  throw new Error(`${path} was not written within ${limitMs} ms`);
}

/**
 * Waits until `pid` no longer exists (`process.kill(pid, 0)` throws ESRCH). A killed orphan is
 * reaped by PID 1; if that one never reaps, a zombie (state Z: dead, only its entry is left) is
 * accepted after the wait.
 */
async function assertGone(pid: number): Promise<void> {
  for (const start = Date.now(); Date.now() - start < 10_000; await sleep(50)) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ESRCH');
      return;
    }
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  assert.match(stat, /^\d+ \(.*\) Z /, `process ${pid} is still running: ${stat}`);
}

describe('runStep', () => {
  it('maps exit codes to phases', TEST, async () => {
    const table: [string, Partial<StepResult>][] = [
      ['exit 0', { phase: 'Succeeded', exitCode: 0 }],
      ['exit 3', { phase: 'Failed', exitCode: 3, message: 'exit code 3' }],
      ['kill -9 $$', { phase: 'Failed', signal: 'SIGKILL', message: 'killed by signal SIGKILL' }],
    ];
    for (const [source, expected] of table) {
      const result = await run(script(source));
      assert.deepEqual({ phase: result.phase, exitCode: result.exitCode, signal: result.signal, message: result.message }, { exitCode: undefined, signal: undefined, message: undefined, ...expected }, source);
    }
    const container = await run(spec({ command: ['sh', '-c'], args: ['echo "$0 $1"; exit 7', 'zero', 'one'] }));
    assert.equal(container.phase, 'Failed');
    assert.equal(container.message, 'exit code 7');
    assert.equal(container.log, 'zero one\n');
  });

  it('runs a script: the source in a file passed after the command, then args; stdout and stderr in one log', TEST, async () => {
    const started = new Date();
    const result = await run(script('echo "out $# $1"\necho err >&2\nhead -c 2 "$0" && echo', { args: ['first'] }));
    assert.equal(result.phase, 'Succeeded');
    assert.equal(result.exitCode, 0);
    // stdout and stderr are two pipes: where "err" lands among stdout's writes is not fixed.
    assert.ok(result.log.includes('err\n'), result.log);
    assert.equal(result.log.replace('err\n', ''), 'out 1 first\nec\n', 'the script file holds the source');
    assert.equal(result.image, 'alpine:3.20');
    assert.deepEqual(result.outputs, []);
    assert.ok(result.startedAt >= new Date(started.getTime() - 1000));
    assert.ok(result.finishedAt >= result.startedAt);
    const bash = await run(script('echo "${BASH_VERSION:+bash}"', { command: ['bash'] }));
    assert.equal(bash.log, 'bash\n');
  });

  it('passes only the given env plus PATH, HOME, TMPDIR and STAGECOACH_OUTPUTS', TEST, async () => {
    process.env.STAGECOACH_TEST_SECRET = 'must-not-leak';
    try {
      const result = await run(spec({ command: ['env'], env: { GREETING: 'hello world', EMPTY: '' } }), { serverPath: `/usr/bin:/bin:.:${process.cwd()}/node_modules/.bin` });
      assert.equal(result.phase, 'Succeeded', result.log);
      const env = Object.fromEntries(result.log.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      assert.deepEqual(Object.keys(env).sort(), ['EMPTY', 'GREETING', 'HOME', 'PATH', 'STAGECOACH_OUTPUTS', 'TMPDIR']);
      assert.equal(env.GREETING, 'hello world');
      assert.equal(env.EMPTY, '');
      assert.equal(env.PATH, '/usr/bin:/bin');
      for (const key of ['HOME', 'TMPDIR', 'STAGECOACH_OUTPUTS']) assert.ok(env[key]!.startsWith(`${root}/step-`), `${key}=${env[key]}`);
      assert.ok(env.STAGECOACH_OUTPUTS!.endsWith('/outputs'));
    } finally {
      delete process.env.STAGECOACH_TEST_SECRET;
    }
    const writable = await run(script('touch "$HOME/h" "$TMPDIR/t" && mktemp >/dev/null && echo ok'));
    assert.equal(writable.log, 'ok\n');
    const path = await run(script('echo "$PATH"', { env: { PATH: '/bin' } }));
    assert.equal(path.log, '/bin\n', "the step's env may set PATH");
  });

  it('runs in workingDir, mapped into the step folder, or in its own work folder', TEST, async () => {
    const mapped = await run(script('pwd; ls -A', { workingDir: '/src/app' }));
    assert.equal(mapped.phase, 'Succeeded');
    assert.match(mapped.log, new RegExp(`^${root}/step-[^/]+/fs/src/app\\n$`));
    const plain = await run(script('pwd'));
    assert.match(plain.log, new RegExp(`^${root}/step-[^/]+/fs/work\\n$`));
  });

  it('reads outputs from their mapped paths, from $STAGECOACH_OUTPUTS and relative to the working directory', TEST, async () => {
    const unique = `/stagecoach-test-${randomUUID()}`;
    const result = await run(
      script(
        [
          'printf 42 > /tmp/outputs/result',
          `printf 'two lines\\n\\n' > ${unique}/out/two`,
          'echo via-env > "$STAGECOACH_OUTPUTS/viaenv"',
          'echo relative > rel.txt',
          'printf "with cr\\r\\n" > /tmp/outputs/crlf',
        ].join('\n'),
        {
          outputs: [
            { name: 'result', path: '/tmp/outputs/result' },
            { name: 'two', path: `${unique}/out/two` },
            { name: 'viaenv', path: '/elsewhere/viaenv' },
            { name: 'rel', path: 'rel.txt' },
            { name: 'crlf', path: '/tmp/outputs/crlf' },
          ],
        },
      ),
    );
    assert.equal(result.phase, 'Succeeded', `${result.message}\n${result.log}`);
    assert.deepEqual(result.outputs, [
      { name: 'result', value: '42' },
      { name: 'two', value: 'two lines\n' },
      { name: 'viaenv', value: 'via-env' },
      { name: 'rel', value: 'relative' },
      { name: 'crlf', value: 'with cr' },
    ]);
    assert.equal(existsSync(unique), false, 'nothing is written at the container path on the host');

    const container = await run(spec({ command: ['sh', '-c', `echo c > ${unique}/c`], args: [], outputs: [{ name: 'c', path: `${unique}/c` }] }));
    assert.deepEqual(container.outputs, [{ name: 'c', value: 'c' }]);
  });

  it('fails a step whose output is missing or too large, naming the output and its path', TEST, async () => {
    const missing = await run(
      script('echo 1 > /tmp/outputs/present', {
        outputs: [
          { name: 'present', path: '/tmp/outputs/present' },
          { name: 'result', path: '/tmp/outputs/result' },
        ],
      }),
    );
    assert.equal(missing.phase, 'Failed');
    assert.equal(missing.exitCode, 0);
    assert.equal(missing.message, 'output "result" was not written to /tmp/outputs/result');
    assert.deepEqual(missing.outputs, [{ name: 'present', value: '1' }]);

    const large = await run(script('head -c 100 /dev/zero > /tmp/big', { outputs: [{ name: 'big', path: '/tmp/big' }] }), { outputLimitBytes: 10 });
    assert.equal(large.phase, 'Failed');
    assert.equal(large.message, 'output "big" at /tmp/big is larger than 10 bytes');

    const failedFirst = await run(script('exit 1', { outputs: [{ name: 'result', path: '/tmp/outputs/result' }] }));
    assert.equal(failedFirst.message, 'exit code 1', 'the exit code is the reason, not the output');
  });

  it('stops a step at its deadline, with the children of its script', TEST, async () => {
    const pidFile = join(shared, 'sleep.pid');
    const result = await run(script(`sleep 300 &\necho $! > "${pidFile}"\nwait`, { deadlineSeconds: 1 }));
    assert.equal(result.phase, 'Failed');
    assert.equal(result.message, 'deadline of 1 s exceeded');
    assert.equal(result.signal, 'SIGTERM');
    await assertGone(Number(await waitForFile(pidFile)));
    assert.deepEqual(await stepFolders(), []);
  });

  it('accepts a deadline longer than Node timers allow', TEST, async () => {
    const result = await run(script('sleep 0.2; echo ok', { deadlineSeconds: 30 * 24 * 3600 }));
    assert.deepEqual([result.phase, result.log], ['Succeeded', 'ok\n']);
  });

  it('terminates a running step and its children', TEST, async () => {
    const pidFile = join(shared, 'sleep.pid');
    const handle = runStep(script(`sleep 300 &\necho $! > "${pidFile}"\nwait`), { root, id: 'step-a' });
    assert.equal(handle.id, 'step-a');
    const pid = Number(await waitForFile(pidFile));
    handle.terminate('stopped by alice');
    const result = await handle.done;
    assert.equal(result.phase, 'Terminated');
    assert.equal(result.message, 'stopped by alice');
    assert.equal(result.signal, 'SIGTERM');
    await assertGone(pid);
    handle.terminate('again');
    assert.deepEqual(await handle.done, result, 'terminating twice changes nothing');
  });

  it('kills with SIGKILL after the grace period a step that ignores SIGTERM', TEST, async () => {
    const marker = join(shared, 'ready');
    const handle = runStep(script(`trap '' TERM\nsleep 300 &\necho $! > "${marker}"\nwait`), { root, killGraceMs: 200 });
    const pid = Number(await waitForFile(marker));
    handle.terminate('stop');
    const result = await handle.done;
    assert.equal(result.phase, 'Terminated');
    assert.equal(result.signal, 'SIGKILL');
    await assertGone(pid);
  });

  it('terminates on abort, also before the step starts', TEST, async () => {
    const before = await run(script('echo never'), { signal: AbortSignal.abort('release cancelled') });
    assert.equal(before.phase, 'Terminated');
    assert.equal(before.message, 'release cancelled');
    assert.equal(before.log, '');
    assert.deepEqual(await stepFolders(), []);

    const controller = new AbortController();
    const marker = join(shared, 'ready');
    const during = run(script(`echo up > "${marker}"\nsleep 300`), { signal: controller.signal });
    await waitForFile(marker);
    controller.abort(new Error('server shutting down'));
    const result = await during;
    assert.equal(result.phase, 'Terminated');
    assert.equal(result.message, 'server shutting down');
  });

  it('ends when the script ends, killing what it left running in the background', TEST, async () => {
    const pidFile = join(shared, 'sleep.pid');
    // The background sleep holds the output pipes open; the step must not wait for it.
    const result = await run(script(`sleep 300 &\necho $! > "${pidFile}"\necho bye`));
    assert.equal(result.phase, 'Succeeded');
    assert.equal(result.log, 'bye\n');
    await assertGone(Number(await waitForFile(pidFile)));
  });

  it('does not wait for ever on a process that left the group but holds the output open', TEST, async (t) => {
    const pidFile = join(shared, 'escaped.pid');
    const result = await run(script(`setsid sleep 300 &\necho $! > "${pidFile}"\necho bye`));
    const pid = Number(await waitForFile(pidFile));
    t.after(() => process.kill(pid, 'SIGKILL'));
    assert.equal(result.phase, 'Succeeded');
    assert.equal(result.log, 'bye\n');
  });

  it('caps the log of a step that prints ~20 MB without failing it', TEST, async () => {
    const result = await run(script('yes 0123456789 | head -c 20000000\nyes error | head -c 1000000 >&2\necho end'));
    assert.equal(result.phase, 'Succeeded');
    const limit = 1024 * 1024;
    assert.ok(result.log.endsWith(`\n… log truncated after ${limit} bytes`));
    assert.ok(Buffer.byteLength(result.log) <= limit + 100);
    assert.ok(result.log.startsWith('0123456789\n0123456789\n'));

    const small = await run(script('printf "abcdefghij"'), { logLimitBytes: 4 });
    assert.equal(small.log, 'abcd\n… log truncated after 4 bytes');
  });

  it('reports a missing command or an unusable spec as Error', TEST, async () => {
    const table: [StepSpec, string][] = [
      [spec({ command: ['no-such-command-stagecoach'] }), 'command "no-such-command-stagecoach" not found'],
      [script('echo hi', { command: ['no-such-interpreter-stagecoach'] }), 'command "no-such-interpreter-stagecoach" not found'],
      [spec({ command: ['/nonexistent/bin/tool'] }), 'command "/nonexistent/bin/tool" not found'],
      [spec({ command: [] }), 'the step has no command (an image entrypoint cannot run locally)'],
      [script('true', { deadlineSeconds: 0 }), 'deadlineSeconds must be a positive number of seconds, got 0'],
    ];
    for (const [step, message] of table) {
      const result = await run(step);
      assert.deepEqual({ phase: result.phase, message: result.message }, { phase: 'Error', message }, message);
    }
    const badRoot = await run(script('true'), { root: join(shared, 'missing', 'root') });
    assert.equal(badRoot.phase, 'Error');
    assert.match(badRoot.message!, /^could not prepare the step folder: ENOENT/);
    assert.deepEqual(await stepFolders(), []);
  });

  it('runs steps in parallel', TEST, async () => {
    // Each step announces itself, then waits for the other: only concurrent steps both finish.
    const rendezvous = (me: string, other: string) =>
      script(`touch "$SHARED/${me}"\nwhile [ ! -e "$SHARED/${other}" ]; do sleep 0.05; done\necho met`, { deadlineSeconds: 30 });
    const [a, b] = await Promise.all([run(rendezvous('a', 'b')), run(rendezvous('b', 'a'))]);
    assert.deepEqual([a.phase, a.log, b.phase, b.log], ['Succeeded', 'met\n', 'Succeeded', 'met\n']);
  });

  it('runs steps one at a time under a limiter of 1, in arrival order', TEST, async () => {
    const limiter = createLimiter(1);
    // mkdir is atomic: it fails if another step holds the folder.
    const step = (name: string) =>
      script(`mkdir "$SHARED/active" || { echo overlap; exit 1; }\necho ${name} >> "$SHARED/order"\nsleep 0.2\nrmdir "$SHARED/active"`);
    const results = await Promise.all(['a', 'b', 'c'].map((name) => run(step(name), { limiter })));
    assert.deepEqual(results.map((r) => r.phase), ['Succeeded', 'Succeeded', 'Succeeded'], results.map((r) => r.log).join());
    assert.equal(await readFile(join(shared, 'order'), 'utf8'), 'a\nb\nc\n');
    assert.ok(results[1]!.startedAt >= results[0]!.finishedAt);
    assert.equal(limiter.active, 0);
  });

  it('terminates a step still waiting for the limiter without starting it', TEST, async () => {
    const limiter = createLimiter(1);
    const marker = join(shared, 'ready');
    const first = runStep(script(`echo up > "${marker}"\nsleep 300`), { root, limiter });
    await waitForFile(marker);
    const second = runStep(script(`touch "$SHARED/second-ran"`), { root, limiter });
    assert.equal(limiter.waiting, 1);
    second.terminate('no longer needed');
    const waited = await second.done;
    assert.deepEqual([waited.phase, waited.message], ['Terminated', 'no longer needed']);
    first.terminate('done');
    await first.done;
    assert.equal(existsSync(join(shared, 'second-ran')), false);
    assert.equal(limiter.active, 0);
  });

  it('removes the step folder, unless asked to keep it', TEST, async () => {
    await run(script('mkdir -p deep/er && touch deep/er/file "$HOME/.cache"', { outputs: [] }));
    assert.deepEqual(await stepFolders(), []);
    const kept = await run(script('echo kept > /tmp/out', { outputs: [{ name: 'o', path: '/tmp/out' }] }), { keep: true });
    assert.ok(kept.folder?.startsWith(`${root}/step-`));
    assert.deepEqual(await stepFolders(), [kept.folder!.slice(root.length + 1)]);
    assert.equal(await readFile(join(kept.folder!, 'fs/tmp/out'), 'utf8'), 'kept\n');
  });
});
