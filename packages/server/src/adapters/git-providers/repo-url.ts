/**
 * Where a repository lives, read from the URL an application declares. Accepted forms:
 * `https://host[:port]/owner/repo[.git]` (also `http://`, `ssh://[user@]host[:port]/…`,
 * `git://…`) and the scp-like `[user@]host:owner/repo[.git]`. A trailing `/` is ignored.
 */

export interface RepoLocation {
  /** Host name in lower case, without port or user. */
  host: string;
  /** Path segments after the host, `.git` removed from the last: `['acme', 'deploy']`, `['group', 'sub', 'deploy']`. */
  segments: string[];
}

const SCHEMES = new Set(['https:', 'http:', 'ssh:', 'git:']);

/** Parses a repository URL, or returns undefined when it is not one of the accepted forms. */
export function parseRepoURL(url: string): RepoLocation | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    if (!SCHEMES.has(parsed.protocol) || parsed.search !== '' || parsed.hash !== '') return undefined;
    host = parsed.hostname;
    // The URL parser resolves `..`; a repository URL that needs resolving is refused instead.
    path = text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  } else {
    // scp-like syntax: no scheme, a colon after the host, no slash before that colon.
    const scp = /^(?:[^@/\s]+@)?([^@/:\s]+):(?!\/\/)(.+)$/.exec(text);
    if (!scp) return undefined;
    host = scp[1]!;
    path = scp[2]!;
  }
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length > 0) segments[segments.length - 1] = segments[segments.length - 1]!.replace(/\.git$/, '');
  if (host === '' || segments.length === 0 || segments.some((s) => s === '' || s === '.' || s === '..' || /[\s?#]/.test(s))) return undefined;
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (decoded.some((s) => s.includes('/') || s === '' || s === '.' || s === '..')) return undefined;
  return { host: host.toLowerCase(), segments: decoded };
}

/** `owner` and `repo` of a repository on a host that has exactly two levels (GitHub, Gitea). */
export function ownerAndRepo(url: string): { owner: string; repo: string } | undefined {
  const location = parseRepoURL(url);
  if (!location || location.segments.length !== 2) return undefined;
  const [owner, repo] = location.segments as [string, string];
  return { owner, repo };
}

/** The URL without user or password, for messages: `https://token@host/a/b` → `https://host/a/b`. */
export function redactRepoURL(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
