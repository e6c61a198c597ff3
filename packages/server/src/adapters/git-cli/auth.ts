import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError } from '../../git/errors.ts';
import type { GitCredentials } from '../../git/port.ts';
import type { RepoUrl } from './url.ts';

/** Username sent with a token when the credentials name none (GitHub's convention; GitLab and Gitea accept any). */
export const DEFAULT_TOKEN_USERNAME = 'x-access-token';

/**
 * What a network command needs to authenticate: environment variables only, never arguments.
 * `secrets` lists every string derived from the credentials, so that output can be scrubbed of
 * them. Call `cleanup` once the command has finished; it removes any file written for it.
 */
export interface AuthEnv {
  env: Record<string, string>;
  secrets: string[];
  cleanup(): Promise<void>;
}

export interface AuthOptions {
  /**
   * The repository's own known_hosts file, used (with `StrictHostKeyChecking=accept-new`) when SSH
   * credentials carry no known hosts: the first key seen is trusted, a changed one is refused.
   */
  knownHostsFile: string;
  /** Where the private key is written for the duration of one command. Default: the OS temp dir. */
  tmpDir?: string;
}

/**
 * The environment that gives `credentials` to git for `url`:
 * - HTTP(S): `http.extraHeader=Authorization: Basic base64(user:secret)` through
 *   `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_0`/`GIT_CONFIG_VALUE_0`, so the secret is in no argument
 *   and no config file.
 * - SSH: the key in a new 0600 file in a new 0700 folder, and `GIT_SSH_COMMAND` naming it, with
 *   `IdentitiesOnly`, `BatchMode`, no user ssh config, and either the credentials' known hosts
 *   (strict) or the repository's known_hosts file (accept-new).
 * Without credentials, HTTP gets nothing (or the user and password written in the URL), SSH the
 * isolated command with the user's default keys. Credentials of the wrong kind for the URL fail
 * with `unauthorized`.
 */
export async function prepareAuth(url: RepoUrl, credentials: GitCredentials | undefined, options: AuthOptions): Promise<AuthEnv> {
  const none: AuthEnv = { env: {}, secrets: [], cleanup: async () => {} };
  switch (url.transport) {
    case 'file':
    case 'git':
      return none;
    case 'http': {
      const basic = httpBasic(url, credentials);
      if (basic === undefined) return none;
      const pair = `${basic.username}:${basic.secret}`;
      const encoded = Buffer.from(pair, 'utf8').toString('base64');
      return {
        env: {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'http.extraHeader',
          GIT_CONFIG_VALUE_0: `Authorization: Basic ${encoded}`,
        },
        secrets: [basic.secret, pair, encoded],
        cleanup: async () => {},
      };
    }
    case 'ssh': {
      if (credentials !== undefined && credentials.type !== 'ssh') {
        throw new GitError('unauthorized', url.display, `${credentials.type} credentials cannot be used over SSH; give an SSH key`);
      }
      const dir = credentials === undefined ? undefined : await mkdtemp(join(options.tmpDir ?? tmpdir(), 'stagecoach-ssh-'));
      const cleanup = async () => {
        if (dir !== undefined) await rm(dir, { recursive: true, force: true });
      };
      try {
        const ssh: string[] = ['ssh'];
        if (credentials !== undefined && dir !== undefined) {
          const keyFile = join(dir, 'key');
          // OpenSSH refuses a key without its final newline.
          const key = credentials.privateKey.endsWith('\n') ? credentials.privateKey : `${credentials.privateKey}\n`;
          await writeFile(keyFile, key, { mode: 0o600, flag: 'wx' });
          ssh.push('-i', shellQuote(keyFile), '-o', 'IdentitiesOnly=yes');
          if (credentials.knownHosts !== undefined && credentials.knownHosts.trim() !== '') {
            const knownHosts = join(dir, 'known_hosts');
            await writeFile(knownHosts, credentials.knownHosts.endsWith('\n') ? credentials.knownHosts : `${credentials.knownHosts}\n`, {
              mode: 0o600,
              flag: 'wx',
            });
            ssh.push('-o', `UserKnownHostsFile=${shellQuote(knownHosts)}`, '-o', 'StrictHostKeyChecking=yes');
          } else {
            ssh.push('-o', `UserKnownHostsFile=${shellQuote(options.knownHostsFile)}`, '-o', 'StrictHostKeyChecking=accept-new');
          }
        } else {
          ssh.push('-o', `UserKnownHostsFile=${shellQuote(options.knownHostsFile)}`, '-o', 'StrictHostKeyChecking=accept-new');
        }
        ssh.push('-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-F', '/dev/null');
        return {
          env: { GIT_SSH_COMMAND: ssh.join(' '), GIT_SSH_VARIANT: 'ssh' },
          secrets: credentials === undefined ? [] : secretLines(credentials.privateKey),
          cleanup,
        };
      } catch (error) {
        await cleanup();
        throw error;
      }
    }
  }
}

function httpBasic(url: RepoUrl, credentials: GitCredentials | undefined): { username: string; secret: string } | undefined {
  if (credentials === undefined) {
    return url.embedded && { username: url.embedded.username, secret: url.embedded.password };
  }
  switch (credentials.type) {
    case 'token':
      return { username: credentials.username || DEFAULT_TOKEN_USERNAME, secret: credentials.token };
    case 'basic':
      return { username: credentials.username, secret: credentials.password };
    case 'ssh':
      throw new GitError('unauthorized', url.display, 'SSH credentials cannot be used over HTTP(S); give a token or a user and password');
  }
}

/** The key's base64 lines, each a secret on its own (an excerpt of output could hold any one of them). */
function secretLines(privateKey: string): string[] {
  const lines = privateKey
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('-----'));
  return [privateKey, ...lines.filter((l) => l.length >= 8)];
}

/** Single-quotes for `sh`, which git runs `GIT_SSH_COMMAND` with. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `text` with every secret replaced by `***`, longest first so that no part of one survives. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  return out;
}
