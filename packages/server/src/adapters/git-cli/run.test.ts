import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../testing/git-fixtures.ts';
import { baseGitEnv, gitArgs, runGit, SAFE_CONFIG } from './run.ts';

describe('runGit', () => {
  it('runs git without a shell, returning exit code, stdout as bytes and stderr', async () => {
    const ok = await runGit(['version']);
    assert.equal(ok.code, 0);
    assert.ok(Buffer.isBuffer(ok.stdout));
    assert.match(ok.stdout.toString(), /^git version \d+\.\d+/);
    const bad = await runGit(['rev-parse', '--verify', 'x; echo pwned'], { cwd: '/' });
    assert.notEqual(bad.code, 0);
    assert.ok(!bad.stdout.toString().includes('pwned'));
  });

  it('passes input on stdin', async () => {
    const result = await runGit(['hash-object', '--stdin'], { input: Buffer.from('hello\n') });
    assert.equal(result.stdout.toString().trim(), 'ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('puts the safe settings first and the caller’s arguments after them, unchanged', () => {
    const args = gitArgs(['ls-remote', 'origin', 'refs/heads/main']);
    assert.deepEqual(args.slice(-3), ['ls-remote', 'origin', 'refs/heads/main']);
    assert.deepEqual(args.slice(0, -3), SAFE_CONFIG.flatMap((s) => ['-c', s]));
    assert.ok(SAFE_CONFIG.includes('protocol.allow=never'));
    assert.ok(SAFE_CONFIG.includes('http.followRedirects=false'));
  });

  it("leaves out the user's and the system's config, and git variables of the parent process", async () => {
    const home = await tempDir();
    try {
      const env = baseGitEnv({ PATH: '/usr/bin', HOME: home.path, GIT_DIR: '/elsewhere', GIT_ASKPASS: '/bin/echo', SSH_ASKPASS: '/bin/echo', GIT_CONFIG_PARAMETERS: "'core.hooksPath'='/tmp'" });
      assert.deepEqual(env, {
        PATH: '/usr/bin',
        HOME: home.path,
        LC_ALL: 'C',
        LANG: 'C',
        GIT_TERMINAL_PROMPT: '0',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_LITERAL_PATHSPECS: '1',
      });
      // What git itself sees: only the command-line settings.
      const listed = await runGit(['config', '--list', '--show-scope'], { cwd: home.path, env: { HOME: home.path } });
      const scopes = new Set(listed.stdout.toString().split('\n').filter(Boolean).map((l) => l.split('\t')[0]));
      assert.deepEqual([...scopes], ['command']);
    } finally {
      await home.cleanup();
    }
  });

  it('kills a command that outlives its timeout, with the processes it started', async () => {
    const dir = await tempDir();
    try {
      const pidFile = join(dir.path, 'pid');
      const started = performance.now();
      // An alias runs through a shell: the shell and its `sleep` are git's children.
      const result = await runGit(['-c', `alias.slow=!echo $$ > '${pidFile}'; exec sleep 30`, 'slow'], { timeoutMs: 2000 });
      assert.equal(result.timedOut, true);
      assert.equal(result.code, null);
      assert.ok(performance.now() - started < 10_000);
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      // Killed at once, but reaped by init a moment later.
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(alive(), false, 'the grandchild is gone too');
    } finally {
      await dir.cleanup();
    }
  });

  it('hands standard output to a reader as it comes, and ends the command when the reader has enough', async () => {
    let bytes = 0;
    // `yes` writes until it is stopped: only the reader's 'stop' can end it before the time limit.
    const result = await runGit(['-c', 'alias.endless=!exec yes walk', 'endless'], {
      timeoutMs: 30_000,
      onStdout: (chunk) => {
        bytes += chunk.length;
        return bytes >= 64 * 1024 ? 'stop' : undefined;
      },
    });
    assert.equal(result.stopped, true);
    assert.equal(result.timedOut, false);
    assert.equal(result.stdout.length, 0, 'a reader gets the output instead of the result');
    assert.ok(bytes >= 64 * 1024);

    const plain = await runGit(['version']);
    assert.equal(plain.stopped, false);
  });

  it('rejects with the error of a reader that throws, and ends the command', async () => {
    const failing = runGit(['-c', 'alias.endless=!exec yes walk', 'endless'], {
      timeoutMs: 30_000,
      onStdout: () => {
        throw new Error('unreadable output');
      },
    });
    await assert.rejects(failing, /unreadable output/);
  });

  it('reports the spawn to the hook before it starts', async () => {
    const seen: string[][] = [];
    await runGit(['version'], { onSpawn: (s) => seen.push([...s.args]) });
    assert.deepEqual(seen, [gitArgs(['version'])]);
  });
});
