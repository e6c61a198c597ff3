import type { DeploymentCheck, DeploymentStatus, DeploymentTarget } from './port.ts';

/** The deployment status adapters a server has: git always, Argo CD when it is configured. */
export interface DeploymentStatusAdapters {
  git: DeploymentStatus;
  argocd?: DeploymentStatus;
}

/**
 * Which adapter checks an application: Argo CD when the application names an Argo CD application
 * (`spec.argocd.name`) and the server has Argo CD settings; git otherwise. When the application
 * names one but the server has no Argo CD settings, git checks it and every message says so.
 */
export function selectDeploymentStatus(target: Pick<DeploymentTarget, 'application' | 'argocd'>, adapters: DeploymentStatusAdapters): DeploymentStatus {
  if (target.argocd === undefined) return adapters.git;
  if (adapters.argocd !== undefined) return adapters.argocd;
  const note = `Argo CD application "${target.argocd.name}" is named, but this server has no argocd settings: checked with git`;
  const git = adapters.git;
  return {
    kind: git.kind,
    note,
    async check(checked: DeploymentTarget): Promise<DeploymentCheck> {
      const answer = await git.check(checked);
      return { ...answer, message: `${answer.message} (${note})` };
    },
  };
}
