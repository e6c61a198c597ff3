import { planChangeSet, type FileChange, type Problem, type PromotionFiles } from '@stagecoach/core';
import type { GitRepository } from '../git/port.ts';
import { readFolderFiles } from './read-files.ts';

/** One side of a promotion: a folder of a repository at a commit. */
export interface FolderAt {
  repo: GitRepository;
  commit: string;
  folder: string;
}

export interface FolderPlan {
  files: FileChange[];
  problems: Problem[];
}

/**
 * Reads both folders and asks the pure planner what changes. The same function serves the
 * preview and the commit action, which re-plans on the branch tip it commits to.
 */
export async function planFolders(source: FolderAt, target: FolderAt, promotion: PromotionFiles | undefined): Promise<FolderPlan> {
  const [src, dst] = await Promise.all([
    readFolderFiles(source.repo, source.commit, source.folder, promotion, 'source'),
    readFolderFiles(target.repo, target.commit, target.folder, promotion, 'target'),
  ]);
  const planned = planChangeSet({ ...(promotion ? { promotion } : {}), source: src.files, target: dst.files });
  return { files: planned.files, problems: [...src.problems, ...dst.problems, ...planned.problems] };
}
