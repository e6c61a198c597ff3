import { GitError } from '../../git/errors.ts';
import type { GitErrorCode } from '../../git/errors.ts';
import { redact } from './auth.ts';
import type { GitResult } from './run.ts';

/** git's standard error (in the C locale) → the port's error code. First match wins. */
const RULES: readonly [RegExp, GitErrorCode][] = [
  [/couldn't find remote ref|remote ref does not exist/i, 'branch-not-found'],
  [
    /Authentication failed|could not read (Username|Password)|terminal prompts disabled|HTTP Basic: Access denied|returned error: 40[13]\b|Permission denied \((publickey|password|keyboard)|Host key verification failed|Too many authentication failures|Invalid username or password/i,
    'unauthorized',
  ],
  [/Repository not found|repository '[^']*' not found|does not appear to be a git repository|returned error: 404\b|not a git repository|No such repository/i, 'repository-not-found'],
  [
    /Could not resolve (host|proxy)|Failed to connect|Connection refused|Connection timed out|Connection reset|Network is unreachable|No route to host|Operation timed out|Name or service not known|ssh: connect to host|Could not read from remote repository|SSL|TLS|unable to access '[^']*': |RPC failed|early EOF|The remote end hung up/i,
    'unreachable',
  ],
];

/** Last lines of standard error, secrets replaced by `***`, at most ~600 characters. */
export function stderrExcerpt(stderr: string, secrets: readonly string[]): string {
  const lines = redact(stderr, secrets)
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !/^hint:/.test(l));
  let out = lines.slice(-6).join('\n');
  if (out.length > 600) out = `…${out.slice(-600)}`;
  return out;
}

/** The error for a git command that exited with an unexpected code (or timed out). */
export function commandError(url: string, operation: string, result: GitResult, secrets: readonly string[], network: boolean): GitError {
  const detail = stderrExcerpt(result.stderr, secrets);
  if (result.timedOut) {
    return new GitError(network ? 'unreachable' : 'command-failed', url, `${operation} timed out after ${Math.round(result.durationMs / 1000)} s`, detail);
  }
  const code: GitErrorCode = RULES.find(([re]) => re.test(detail))?.[1] ?? 'command-failed';
  const what: Record<GitErrorCode, string> = {
    'branch-not-found': 'the branch does not exist on the remote',
    'repository-not-found': 'no repository at this URL',
    unauthorized: 'the remote refused the credentials',
    unreachable: 'the remote could not be reached',
    'invalid-ref': 'invalid reference',
    'invalid-path': 'invalid path',
    'command-failed': `exit code ${result.code ?? 'none (killed)'}`,
  };
  const first = detail.split('\n').find((l) => /^(fatal|error|remote):/i.test(l)) ?? detail.split('\n').pop() ?? '';
  return new GitError(code, url, `${operation}: ${what[code]}${first ? ` (${first})` : ''}`, detail);
}
