import { prefixCovers } from '../../git/url-prefix.ts';
import { z } from 'zod';
import { formatProblem, issuesToProblems } from '@stagecoach/core';
import { ConfigError } from '../../config.ts';
import type { GitProvider } from '../../git/providers.ts';
import { createGitHubProvider, GITHUB_API_URL } from './github.ts';
import { createGitLabProvider } from './gitlab.ts';
import { createGiteaProvider } from './gitea.ts';

/** The Git providers Stagecoach speaks to. `local`: no hosting service; Stagecoach merges the branch itself. */
export const GIT_PROVIDER_KINDS = ['github', 'gitlab', 'gitea', 'local'] as const;
export type GitProviderKind = (typeof GIT_PROVIDER_KINDS)[number];

const HTTP_URL = /^https?:\/\/[^/\s]+/i;

/** One entry of the Git provider settings: which repositories it covers and how to reach their host. */
export const GitProviderSettingInput = z.strictObject({
  /**
   * Repository URL prefix this entry covers, compared as text, e.g. `https://github.com/acme/`,
   * `https://gitlab.example.com/` or `git@github.com:acme/`. Required. When several entries
   * match a repository URL, the longest prefix wins. A prefix that does not end in `/` or `:`
   * only matches at a path boundary (`https://github.com/acme` covers `…/acme/x`, not `…/acme-x/`).
   */
  match: z.string().trim().min(1),
  /** `github` (also GitHub Enterprise Server), `gitlab`, `gitea` (also Forgejo) or `local`. Required. */
  kind: z.enum(GIT_PROVIDER_KINDS),
  /**
   * API location, `http(s)://…`. Default, from the host named by `match`: github →
   * `https://api.github.com` for github.com, else `https://HOST/api/v3`; gitlab and gitea →
   * `https://HOST` (the instance root; the client adds `/api/v4` or `/api/v1`). Not used by `local`.
   */
  baseUrl: z.string().trim().regex(HTTP_URL, { message: 'must be an http:// or https:// URL' }).optional(),
  /** Access token for the API. Required for github, gitlab and gitea; not used by `local`. */
  token: z.string().min(1).optional(),
});
export type GitProviderSettingInput = z.input<typeof GitProviderSettingInput>;

/** A checked entry, with `baseUrl` resolved. */
export type GitProviderSetting =
  | { kind: 'local'; match: string }
  | { kind: 'github' | 'gitlab' | 'gitea'; match: string; baseUrl: string; token: string };
export type RemoteGitProviderSetting = Extract<GitProviderSetting, { baseUrl: string }>;

/** What `selectProvider` answers when no entry covers a repository. */
export const LOCAL_PROVIDER: GitProviderSetting = Object.freeze({ kind: 'local', match: '' });

/** The `https://HOST[:port]` a `match` prefix names, or undefined (scp-like `git@HOST:` gives `https://HOST`). */
export function hostOfPrefix(match: string): string | undefined {
  const url = /^(https?|ssh|git):\/\/(?:[^@/]*@)?([^/:]+)(:\d+)?/i.exec(match);
  if (url) return `${url[1]!.toLowerCase() === 'http' ? 'http' : 'https'}://${url[2]!.toLowerCase()}${/^https?$/i.test(url[1]!) ? (url[3] ?? '') : ''}`;
  const scp = /^(?:[^@/\s]+@)?([^@/:\s]+):/.exec(match);
  return scp ? `https://${scp[1]!.toLowerCase()}` : undefined;
}

function defaultBaseUrl(kind: 'github' | 'gitlab' | 'gitea', host: string): string {
  if (kind !== 'github') return host;
  return /^https:\/\/(www\.)?github\.com$/.test(host) ? GITHUB_API_URL : `${host}/api/v3`;
}

const GitProviderSettings = z.array(GitProviderSettingInput).superRefine((entries, ctx) => {
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const first = seen.get(entry.match);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [index, 'match'], message: `"${entry.match}" is already the match of entry ${first}`, params: { rule: 'duplicate-match' } });
    } else seen.set(entry.match, index);
    if (entry.kind === 'local') return;
    if (entry.token === undefined) {
      ctx.addIssue({ code: 'custom', path: [index, 'token'], message: `is required for kind "${entry.kind}"`, params: { rule: 'required' } });
    }
    if (entry.baseUrl === undefined && hostOfPrefix(entry.match) === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'baseUrl'],
        message: `is required: match "${entry.match}" names no host to derive it from`,
        params: { rule: 'required' },
      });
    }
  });
});

/**
 * Checks the Git provider settings once, at start, and resolves every `baseUrl`. Throws one
 * `ConfigError` listing every problem, each under `gitProviders[i].field`.
 */
export function parseGitProviderSettings(input: unknown): GitProviderSetting[] {
  const parsed = GitProviderSettings.safeParse(input);
  if (!parsed.success) {
    const lines = issuesToProblems(parsed.error.issues, input, {}).map((p) => `  ${formatProblem({ ...p, path: p.path === '' ? 'gitProviders' : `gitProviders${p.path.startsWith('[') ? '' : '.'}${p.path}` })}`);
    throw new ConfigError(`invalid Git provider settings:\n${lines.join('\n')}`);
  }
  return parsed.data.map((entry): GitProviderSetting => {
    if (entry.kind === 'local') return { kind: 'local', match: entry.match };
    const baseUrl = (entry.baseUrl ?? defaultBaseUrl(entry.kind, hostOfPrefix(entry.match)!)).replace(/\/+$/, '');
    return { kind: entry.kind, match: entry.match, baseUrl, token: entry.token! };
  });
}


/**
 * The setting for a repository: the entry whose `match` is the longest prefix of `repoURL`, or
 * `LOCAL_PROVIDER` when none matches. Pure; cheap enough to call for every pull request.
 */
export function selectProvider(settings: readonly GitProviderSetting[], repoURL: string): GitProviderSetting {
  let best: GitProviderSetting | undefined;
  for (const entry of settings) {
    if (prefixCovers(entry.match, repoURL) && (best === undefined || entry.match.length > best.match.length)) best = entry;
  }
  return best ?? LOCAL_PROVIDER;
}

/** Builds the provider for a remote setting (the `local` provider is built elsewhere). */
export function createRemoteProvider(setting: RemoteGitProviderSetting, options: { timeoutMs?: number } = {}): GitProvider {
  switch (setting.kind) {
    case 'github':
      return createGitHubProvider({ token: setting.token, baseUrl: setting.baseUrl, ...options });
    case 'gitlab':
      return createGitLabProvider({ token: setting.token, host: setting.baseUrl, ...options });
    case 'gitea':
      return createGiteaProvider({ token: setting.token, baseUrl: setting.baseUrl, ...options });
  }
}
