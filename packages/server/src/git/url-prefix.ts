/**
 * Whether a URL prefix (of a credential or a Git provider setting) covers a repository URL: the
 * URL starts with it and the match ends at a boundary, so `https://git.example` never covers
 * `https://git.example.evil/…` nor `https://github.com/acme` covers `…/acme-labs/…`. A boundary is
 * the end of the URL, `.git` after it, a `/` (ending the prefix or following it), or, for
 * scp-like addresses (`git@host:path`, no `://`), a `:`.
 */
export function prefixCovers(prefix: string, url: string): boolean {
  if (prefix === '' || !url.startsWith(prefix)) return false;
  if (url.length === prefix.length || prefix.endsWith('/')) return true;
  const scpLike = !prefix.includes('://');
  if (scpLike && prefix.endsWith(':')) return true;
  const rest = url.slice(prefix.length);
  return rest === '.git' || rest.startsWith('/') || (scpLike && rest.startsWith(':'));
}
