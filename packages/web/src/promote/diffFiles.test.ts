import { describe, expect, it } from 'vitest';
import type { FileChange } from './api.ts';
import { diffFile } from './diffFiles.ts';

const before = ['image:', '  repository: ghcr.io/demo/cf-101', '  tag: 1.3.2', 'replicaCount: 2', 'a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5', ''].join('\n');
const after = before.replace('tag: 1.3.2', 'tag: 1.4.0');
const file: FileChange = {
  path: 'values.yaml',
  kind: 'yaml',
  edits: [{ path: '$.image.tag', old: '1.3.2', new: '1.4.0' }],
  before,
  after,
  diff: [
    '--- a/values.yaml',
    '+++ b/values.yaml',
    '@@ -1,6 +1,6 @@',
    ' image:',
    '   repository: ghcr.io/demo/cf-101',
    '-  tag: 1.3.2',
    '+  tag: 1.4.0',
    ' replicaCount: 2',
    ' a: 1',
    ' b: 2',
    '',
  ].join('\n'),
};

function lines(hunks: NonNullable<ReturnType<typeof diffFile>>['hunks']) {
  return hunks.flatMap((hunk) => hunk.changes.map((change) => `${change.type === 'insert' ? '+' : change.type === 'delete' ? '-' : ' '}${change.content}`));
}

describe('diffFile', () => {
  it('parses the server diff (which has no `diff --git` line) as a modified file with its hunks', () => {
    const parsed = diffFile(file, false);
    expect(parsed?.path).toBe('values.yaml');
    expect(parsed?.type).toBe('modify');
    expect(lines(parsed!.hunks)).toEqual([' image:', '   repository: ghcr.io/demo/cf-101', '-  tag: 1.3.2', '+  tag: 1.4.0', ' replicaCount: 2', ' a: 1', ' b: 2']);
  });

  it('widens the hunks to the whole file in full mode', () => {
    const parsed = diffFile(file, true);
    expect(lines(parsed!.hunks)).toEqual([
      ' image:',
      '   repository: ghcr.io/demo/cf-101',
      '-  tag: 1.3.2',
      '+  tag: 1.4.0',
      ' replicaCount: 2',
      ' a: 1',
      ' b: 2',
      ' c: 3',
      ' d: 4',
      ' e: 5',
    ]);
  });

  it('gives nothing for a file without a diff', () => {
    expect(diffFile({ ...file, diff: '' }, false)).toBeNull();
  });
});
