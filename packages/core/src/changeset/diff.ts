import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff of one file with 3 lines of context, starting at `--- a/<path>` and `+++ b/<path>`
 * (git's convention, so `git apply` takes it from the folder the path is relative to). Empty when
 * the texts are equal; a text without a final newline is marked `\ No newline at end of file`.
 */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
  const start = patch.indexOf('--- ');
  return start === -1 ? patch : patch.slice(start);
}
