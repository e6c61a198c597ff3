import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerPath, FALLBACK_PATH, hostPath, minimalPath, outputPathMap, rewritePaths, stepLayout } from './paths.ts';

describe('step folder paths', () => {
  it('lays out the step folder', () => {
    assert.deepEqual(stepLayout('/r/step-1'), {
      folder: '/r/step-1',
      fs: '/r/step-1/fs',
      home: '/r/step-1/fs/home',
      tmp: '/r/step-1/fs/tmp',
      outputs: '/r/step-1/outputs',
      script: '/r/step-1/script',
      cwd: '/r/step-1/fs/work',
    });
    assert.equal(stepLayout('/r/s', '/src/app').cwd, '/r/s/fs/src/app');
    assert.equal(stepLayout('/r/s', 'rel').cwd, '/r/s/fs/rel');
  });

  it('keeps container paths inside the step file system', () => {
    const table: [string, string | undefined, string][] = [
      ['/tmp/outputs/result', undefined, '/fs/tmp/outputs/result'],
      ['/../../etc/passwd', undefined, '/fs/etc/passwd'],
      ['result.txt', undefined, '/fs/work/result.txt'],
      ['out/r', '/src', '/fs/src/out/r'],
      ['../../../x', '/src', '/fs/x'],
    ];
    for (const [path, workingDir, expected] of table) assert.equal(hostPath('/fs', path, workingDir), expected, path);
    assert.equal(containerPath('a/../b'), '/work/b');
  });

  it('rewrites declared absolute output paths, longest first, and only where not glued to another path', () => {
    const map = outputPathMap('/S/fs', ['/tmp/out', '/tmp/out/long', 'relative.txt', '/tmp/out']);
    assert.deepEqual([...map], [
      ['/tmp/out', '/S/fs/tmp/out'],
      ['/tmp/out/long', '/S/fs/tmp/out/long'],
    ]);
    const table: [string, string][] = [
      ['echo 1 > /tmp/out', 'echo 1 > /S/fs/tmp/out'],
      ['echo 1 >/tmp/out/long; cat "/tmp/out"', 'echo 1 >/S/fs/tmp/out/long; cat "/S/fs/tmp/out"'],
      ['/tmp/out.tmp', '/S/fs/tmp/out.tmp'],
      ['/x/tmp/out ~/tmp/out ./tmp/out a/tmp/out', '/x/tmp/out ~/tmp/out ./tmp/out a/tmp/out'],
      ['--file=/tmp/out', '--file=/S/fs/tmp/out'],
      ['relative.txt', 'relative.txt'],
    ];
    for (const [text, expected] of table) assert.equal(rewritePaths(text, map), expected, text);
    assert.equal(rewritePaths('/a.b/[x]', outputPathMap('/S', ['/a.b/[x]'])), '/S/a.b/[x]');
    assert.equal(rewritePaths('/a', new Map()), '/a');
  });

  it('gives steps a minimal PATH from the server’s', () => {
    assert.equal(minimalPath('/w/node_modules/.bin:/usr/bin::.:bin:/bin:/usr/bin'), '/usr/bin:/bin');
    assert.equal(minimalPath(undefined), FALLBACK_PATH);
    assert.equal(minimalPath('.:relative'), FALLBACK_PATH);
  });
});
