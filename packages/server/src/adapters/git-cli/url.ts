/**
 * Repository URLs: which forms are accepted, what git is given, what messages show, and the key of
 * the cache folder.
 */

export type Transport = 'http' | 'ssh' | 'git' | 'file';

export interface RepoUrl {
  transport: Transport;
  /** What git fetches from and pushes to: the URL without any password (and, for HTTP, without any user). */
  remote: string;
  /** For messages: without user information. */
  display: string;
  /** The normalised URL the cache folder is named after: scheme and host in lower case, no password, no trailing `/`. */
  key: string;
  /** A user and password written into an HTTP(S) URL; used when the caller gives no credentials. */
  embedded?: { username: string; password: string };
}

/**
 * Parses a repository URL. Accepted: `https://`, `http://`, `ssh://`, `git://`, `file://` URLs,
 * scp-like `user@host:path`, and absolute local paths. Returns a reason string when refused:
 * relative paths, `<helper>::<address>`, a leading `-`, control characters, other schemes.
 */
export function parseRepoUrl(url: string): RepoUrl | string {
  if (url === '') return 'is empty';
  if (url.startsWith('-')) return 'starts with "-"';
  if (/[\x00-\x1f\x7f]/.test(url)) return 'contains a control character';
  if (url.trim() !== url) return 'has leading or trailing spaces';

  if (url.startsWith('/')) {
    const path = stripTrailingSlashes(url);
    return { transport: 'file', remote: url, display: url, key: `file://${path}` };
  }

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    switch (scheme) {
      case 'http':
      case 'https':
        return parseHttp(url);
      case 'ssh':
      case 'git+ssh':
      case 'ssh+git':
        return parseAuthority(url, 'ssh');
      case 'git':
        return parseAuthority(url, 'git');
      case 'file': {
        const path = url.slice('file://'.length);
        if (!path.startsWith('/')) return 'a file:// URL needs an absolute path';
        return { transport: 'file', remote: url, display: url, key: `file://${stripTrailingSlashes(path)}` };
      }
      default:
        return `has the unsupported scheme "${scheme}"`;
    }
  }

  const head = url.split('/')[0]!;
  if (head.includes('::')) return 'uses a remote helper ("<transport>::<address>"), which is not allowed';
  // scp-like: [user@]host:path, with the colon before the first slash.
  const scp = /^(?:([^@/:]+)@)?([^@/:]+|\[[^\]/]+\]):(.*)$/s.exec(url);
  if (scp !== null && head.includes(':')) {
    const [, user, host, path] = scp;
    if (host!.startsWith('-')) return 'has a host starting with "-"';
    const remote = url;
    const key = `ssh://${user === undefined ? '' : `${user}@`}${host!.toLowerCase()}:${stripTrailingSlashes(path!)}`;
    return { transport: 'ssh', remote, display: url, key };
  }
  return 'is neither an absolute path nor a URL git can use (https://, ssh://, git://, file://, user@host:path)';
}

function parseHttp(url: string): RepoUrl | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.hostname === '') return 'has no host';
  const embedded =
    parsed.username !== '' && parsed.password !== ''
      ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : undefined;
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  const remote = parsed.toString();
  // WHATWG URL already lower-cases scheme and host and drops default ports.
  const key = stripTrailingSlashes(remote);
  return { transport: 'http', remote, display: remote, key, ...(embedded ? { embedded } : {}) };
}

function parseAuthority(url: string, transport: 'ssh' | 'git'): RepoUrl | string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(?:([^@/]*)@)?([^/]*)(\/.*)?$/s.exec(url);
  if (match === null) return 'is not a valid URL';
  const [, scheme, userinfo, hostPort, path = '/'] = match;
  if (hostPort === '') return 'has no host';
  if (hostPort!.startsWith('-')) return 'has a host starting with "-"';
  const user = userinfo === undefined ? undefined : userinfo.split(':')[0]!;
  if (user?.startsWith('-')) return 'has a user starting with "-"';
  const host = hostPort!.toLowerCase();
  const lowerScheme = scheme!.toLowerCase();
  const remote = `${lowerScheme}://${user ? `${user}@` : ''}${host}${path}`;
  const display = `${lowerScheme}://${host}${path}`;
  const key = stripTrailingSlashes(remote);
  return { transport, remote, display, key };
}

function stripTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 1 && s[end - 1] === '/') end--;
  return s.slice(0, end);
}
