import type { Application } from './resources/schemas.ts';

/** The branch an application's promotions commit to; Argo CD's `HEAD` means the default branch, taken as `main`. */
export function applicationBranch(application: Application): string {
  const revision = application.spec.source.targetRevision;
  return !revision || revision === 'HEAD' ? 'main' : revision;
}

/** The application folder as a repository path without leading or trailing slashes (`''` = root). */
export function applicationFolder(application: Application): string {
  const path = application.spec.source.path.replace(/^\.\/?/, '').replace(/\/+$/, '');
  return path === '.' ? '' : path;
}
