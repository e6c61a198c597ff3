import { expandFromRawCode, parseDiff, type DiffType, type HunkData } from 'react-diff-view';
import type { FileChange } from './api.ts';

/** One file ready for the diff view. */
export interface DiffFile {
  path: string;
  type: DiffType;
  hunks: HunkData[];
}

function lineCount(text: string): number {
  if (text === '') return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

/**
 * Parses a file's unified diff for the diff view. The server's diff starts at `--- a/<path>`;
 * the parser names files from a `diff --git` line, so one is put in front when missing. With
 * `full`, the hunks are widened to the whole file from its text before the change; otherwise
 * they keep the diff's 3 lines of context. Null when the file has no diff (no change).
 */
export function diffFile(file: Pick<FileChange, 'path' | 'before' | 'diff'>, full: boolean): DiffFile | null {
  if (file.diff.trim() === '') return null;
  const text = file.diff.startsWith('diff --git ') ? file.diff : `diff --git a/${file.path} b/${file.path}\n${file.diff}`;
  const [parsed] = parseDiff(text);
  if (parsed === undefined || parsed.hunks.length === 0) return null;
  const hunks = full ? expandFromRawCode(parsed.hunks, file.before, 1, lineCount(file.before) + 1) : parsed.hunks;
  return { path: file.path, type: parsed.type, hunks };
}
