import { error, type Problem, type PromotionFiles } from '@stagecoach/core';
import type { GitRepository } from '../git/port.ts';
import { repoPath } from './world.ts';

/** Files of one application folder at one commit: path relative to the folder → text. */
export type FolderFiles = Map<string, string>;

/** Largest file read for a promotion; bigger ones are refused rather than loaded whole. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Reads what a promotion needs from one folder: only the files the template names, or, when it
 * names none (copy-all), every regular file under the folder. Symlinks and submodules are never
 * followed, so nothing outside the folder is read.
 */
export async function readFolderFiles(
  repo: GitRepository,
  commit: string,
  folder: string,
  promotion: PromotionFiles | undefined,
  side: 'source' | 'target',
): Promise<{ files: FolderFiles; problems: Problem[] }> {
  const files: FolderFiles = new Map();
  const problems: Problem[] = [];
  const entries = await repo.listFiles(commit, folder);
  const prefix = folder ? `${folder}/` : '';
  const byPath = new Map(entries.map((e) => [e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path, e]));
  const wanted = promotion && Object.keys(promotion).length > 0 ? Object.keys(promotion) : [...byPath.keys()];
  for (const relative of wanted) {
    const entry = byPath.get(relative);
    if (!entry) continue; // the planner reports files missing on either side
    if (entry.type === 'symlink' || entry.type === 'submodule') {
      if (promotion && relative in promotion) {
        problems.push(error('path-escape', relative, `${side} file "${relative}" is a ${entry.type}; only regular files inside the application folder are promoted`));
      }
      continue;
    }
    const text = await repo.readFile(commit, repoPath(folder, relative));
    if (text === undefined) continue;
    if (text.includes('\u0000') || text.includes('\uFFFD')) {
      // Promotions write text; a binary file would be damaged on the way.
      if (side === 'source') problems.push({ ...error('binary-file', relative, `"${relative}" is not UTF-8 text; binary files are not promoted`), severity: 'warning' });
      continue;
    }
    if (text.length > MAX_FILE_BYTES) {
      problems.push(error('file-too-large', relative, `${side} file "${relative}" is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`));
      continue;
    }
    files.set(relative, text);
  }
  return { files, problems };
}
