/**
 * Checks of user input before it gets near a `git` process: branch names, commit ids and
 * repository paths. All are pure; none spawns.
 */

/**
 * Why `name` is not a valid branch name, or `undefined` when it is. The rules of
 * `git check-ref-format --branch` applied to `refs/heads/<name>`: no leading `-`, not `HEAD`, no
 * empty component or leading/trailing `/`, no component starting with `.` or ending with `.lock`,
 * no `..`, no `@{`, not `@`, no trailing `.`, and none of: control characters, space, `~ ^ : ? * [ \`.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.startsWith('-')) return 'starts with "-"';
  if (name === 'HEAD') return 'is "HEAD"';
  if (name === '@') return 'is "@"';
  if (name.includes('@{')) return 'contains "@{"';
  if (name.includes('..')) return 'contains ".."';
  if (name.endsWith('.')) return 'ends with "."';
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(name);
  if (bad !== null) return `contains ${JSON.stringify(bad[0])}`;
  for (const component of name.split('/')) {
    if (component === '') return 'has an empty path component (leading, trailing or double "/")';
    if (component.startsWith('.')) return `has a component starting with "." (${JSON.stringify(component)})`;
    if (component.endsWith('.lock')) return `has a component ending with ".lock" (${JSON.stringify(component)})`;
  }
  return undefined;
}

/** A full object id: 40 hexadecimal digits (SHA-1) or 64 (SHA-256), lower case. */
export function isObjectId(id: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(id);
}

/**
 * Why `path` is not a valid repository-relative file path, or `undefined` when it is. Refused:
 * empty, absolute, a leading or trailing `/`, empty, `.` or `..` components, a `.git` component
 * (any case), and NUL or newline characters.
 */
export function repoPathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.startsWith('/')) return 'is absolute';
  if (path.includes('\0')) return 'contains a NUL character';
  if (path.includes('\n')) return 'contains a newline';
  for (const component of path.split('/')) {
    if (component === '') return 'has an empty path component (trailing or double "/")';
    if (component === '.' || component === '..') return `has a "${component}" component`;
    if (component.toLowerCase() === '.git') return 'has a ".git" component';
  }
  return undefined;
}

/**
 * A folder argument as a repository-relative path without trailing `/`, `''` for the root
 * (given as `''`, `.` or `./`). `problem` is set when the folder is invalid.
 */
export function normaliseFolder(folder: string): { folder: string; problem?: string } {
  let f = folder;
  if (f.startsWith('./')) f = f.slice(2);
  while (f.endsWith('/') && f.length > 1) f = f.slice(0, -1);
  if (f === '' || f === '.') return { folder: '' };
  const problem = repoPathProblem(f);
  return problem === undefined ? { folder: f } : { folder: f, problem };
}
