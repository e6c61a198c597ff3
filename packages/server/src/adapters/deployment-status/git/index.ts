/** The deployment status port on the branch alone: deployed once the commit is on the branch. */
export { createGitDeploymentStatus } from './git-status.ts';
