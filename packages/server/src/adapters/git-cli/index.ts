/** The Git port over the `git` CLI: a bare cache per repository, edits by plumbing, no checkout. */
export { createGitCli } from './git-cli.ts';
export type { GitCli, GitCliOptions } from './git-cli.ts';
export { CliRepository, DEFAULT_TRAILER_SEARCH_LIMIT } from './repository.ts';
export { runGit, baseGitEnv, gitArgs, SAFE_CONFIG } from './run.ts';
export type { GitResult, GitSpawn, RunGitOptions } from './run.ts';
export { prepareAuth, DEFAULT_TOKEN_USERNAME } from './auth.ts';
export type { AuthEnv, AuthOptions } from './auth.ts';
export { branchNameProblem, isObjectId, repoPathProblem } from './refs.ts';
export { parseRepoUrl } from './url.ts';
export type { RepoUrl, Transport } from './url.ts';
