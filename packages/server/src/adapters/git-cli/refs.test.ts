import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { branchNameProblem, isObjectId, normaliseFolder, repoPathProblem } from './refs.ts';

describe('branchNameProblem (git check-ref-format --branch, without spawning)', () => {
  it('accepts ordinary branch names', () => {
    for (const name of ['main', 'release/1.2', 'stagecoach/01J/qa/cf-101-qa', 'feature_x', 'a-b', 'ü', 'v1.0', 'a@b', 'x.lockx']) {
      assert.equal(branchNameProblem(name), undefined, name);
    }
  });

  it('refuses what git refuses, with the rule in the message', () => {
    const table: [string, string][] = [
      ['', 'is empty'],
      ['--upload-pack=evil', 'starts with "-"'],
      ['-b', 'starts with "-"'],
      ['HEAD', 'is "HEAD"'],
      ['@', 'is "@"'],
      ['a@{1}', 'contains "@{"'],
      ['a..b', 'contains ".."'],
      ['a.', 'ends with "."'],
      ['a b', 'contains " "'],
      ['a~1', 'contains "~"'],
      ['a^', 'contains "^"'],
      ['a:b', 'contains ":"'],
      ['a?', 'contains "?"'],
      ['a*', 'contains "*"'],
      ['a[b', 'contains "["'],
      ['a\\b', 'contains "\\\\"'],
      ['a\tb', 'contains "\\t"'],
      ['a\nb', 'contains "\\n"'],
      ['a\x7fb', 'contains "\x7f"'],
      ['/a', 'has an empty path component (leading, trailing or double "/")'],
      ['a/', 'has an empty path component (leading, trailing or double "/")'],
      ['a//b', 'has an empty path component (leading, trailing or double "/")'],
      ['.a', 'has a component starting with "." (".a")'],
      ['a/.b', 'has a component starting with "." (".b")'],
      ['a.lock', 'has a component ending with ".lock" ("a.lock")'],
      ['a.lock/b', 'has a component ending with ".lock" ("a.lock")'],
    ];
    for (const [name, problem] of table) assert.equal(branchNameProblem(name), problem, JSON.stringify(name));
  });
});

describe('isObjectId', () => {
  it('accepts full lower-case SHA-1 and SHA-256 ids only', () => {
    assert.equal(isObjectId('a'.repeat(40)), true);
    assert.equal(isObjectId('0123456789abcdef'.repeat(4)), true);
    for (const id of ['', 'a'.repeat(39), 'A'.repeat(40), 'g'.repeat(40), 'HEAD', 'main', '-'.repeat(40), 'a'.repeat(41)]) {
      assert.equal(isObjectId(id), false, id);
    }
  });
});

describe('repoPathProblem and normaliseFolder', () => {
  it('accepts relative paths, with any characters but NUL and newline', () => {
    for (const p of ['a', 'envs/qa/values.yaml', 'dir with space/ü.yaml', '.github/workflows/x.yml', 'a/.gitignore', ':(glob)*', '-rf']) {
      assert.equal(repoPathProblem(p), undefined, p);
    }
  });

  it('refuses paths that leave or escape the tree', () => {
    const table: [string, string][] = [
      ['', 'is empty'],
      ['/etc/passwd', 'is absolute'],
      ['a/../b', 'has a ".." component'],
      ['..', 'has a ".." component'],
      ['./a', 'has a "." component'],
      ['a//b', 'has an empty path component (trailing or double "/")'],
      ['a/', 'has an empty path component (trailing or double "/")'],
      ['.git/config', 'has a ".git" component'],
      ['x/.GIT/hooks', 'has a ".git" component'],
      ['a\0b', 'contains a NUL character'],
      ['a\nb', 'contains a newline'],
    ];
    for (const [p, problem] of table) assert.equal(repoPathProblem(p), problem, JSON.stringify(p));
  });

  it('normalises folders: root spellings, trailing slashes', () => {
    assert.deepEqual(normaliseFolder(''), { folder: '' });
    assert.deepEqual(normaliseFolder('.'), { folder: '' });
    assert.deepEqual(normaliseFolder('./'), { folder: '' });
    assert.deepEqual(normaliseFolder('envs/qa/'), { folder: 'envs/qa' });
    assert.deepEqual(normaliseFolder('./envs'), { folder: 'envs' });
    assert.deepEqual(normaliseFolder('../x'), { folder: '../x', problem: 'has a ".." component' });
  });
});
