import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from './diff.ts';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => assert.equal(unifiedDiff('a.yaml', 'x\n', 'x\n'), ''));
  it('starts at the file names and keeps 3 lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', ''].join('\n');
    const after = before.replace('5', 'five');
    assert.equal(unifiedDiff('dir/a.yaml', before, after), ['--- a/dir/a.yaml', '+++ b/dir/a.yaml', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ''].join('\n'));
  });
  it('marks a missing final newline', () => {
    assert.equal(unifiedDiff('a', 'x', 'y'), ['--- a/a', '+++ b/a', '@@ -1,1 +1,1 @@', '-x', '\\ No newline at end of file', '+y', '\\ No newline at end of file', ''].join('\n'));
  });
});
