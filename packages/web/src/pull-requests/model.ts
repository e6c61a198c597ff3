import { PULL_REQUEST_STATES, type PullRequestState } from '@stagecoach/core';

export function isPullRequestState(value: unknown): value is PullRequestState {
  return typeof value === 'string' && (PULL_REQUEST_STATES as readonly string[]).includes(value);
}

/** How a state looks: a Mantine colour and a one-character icon. */
export interface PullRequestLook {
  color: string;
  icon: string;
}

/**
 * The look of a pull request's state, in the release view's colours for what it does to the
 * release's step: open is yellow (the step is Suspended), merged green (the step goes on), closed
 * red (the step fails).
 */
export function pullRequestLook(state: PullRequestState): PullRequestLook {
  switch (state) {
    case 'open':
      return { color: 'yellow', icon: '‖' };
    case 'merged':
      return { color: 'green', icon: '✓' };
    case 'closed':
      return { color: 'red', icon: '✕' };
  }
}

/**
 * A repository's short name for lists: the last part of its URL or path without `.git`
 * (`https://git.example/org/cf-101.git` → `cf-101`); the whole `repoURL` when it has none.
 */
export function repositoryName(repoURL: string): string {
  const last = repoURL.replace(/[/\\]+$/, '').split(/[/\\:]/).pop() ?? '';
  const name = last.replace(/\.git$/, '');
  return name === '' ? repoURL : name;
}

/** The release step a pull request belongs to. */
export interface PullRequestOrigin {
  release: string;
  environment: string;
  application: string;
}

/**
 * The release, environment and application a pull request's head branch names
 * (`stagecoach/<release>/<environment>/<application>`, as the `pr` action makes it), or
 * undefined for a branch of another shape.
 */
export function originOfBranch(head: string): PullRequestOrigin | undefined {
  const parts = head.split('/');
  if (parts.length !== 4 || parts[0] !== 'stagecoach' || parts.some((part) => part === '')) return undefined;
  const [, release, environment, application] = parts as [string, string, string, string];
  return { release, environment, application };
}

/**
 * The id of the pull request a link leads to when it is a page of this UI (same origin, path
 * `/pull-requests/<id>`), so it can open without reloading the app; undefined for any other link
 * (a pull request on GitHub or GitLab, or a server reached by another name).
 */
export function inAppPullRequestId(url: string, origin: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.origin !== origin) return undefined;
  const match = /^\/pull-requests\/([^/]+)\/?$/.exec(parsed.pathname);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}
