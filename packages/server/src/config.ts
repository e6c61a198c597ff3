import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { formatProblem, issuesToProblems } from '@stagecoach/core';

/** Server settings, checked once at start; a bad one stops the process with every problem listed. */
export const ServerConfig = z.strictObject({
  /** TCP port; default 8080. */
  port: z.int().min(0).max(65535).default(8080),
  /** Address to listen on; default loopback only. Use 0.0.0.0 to accept remote connections. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Folder for the embedded store and caches; default `./.stagecoach`. */
  dataDir: z.string().min(1).default('.stagecoach'),
  /** `postgres://…` to use PostgreSQL instead of the embedded SQLite file. */
  databaseUrl: z
    .string()
    .refine((s) => /^postgres(ql)?:\/\//.test(s), { message: 'must start with postgres:// or postgresql://', params: { rule: 'url-scheme' } })
    .optional(),
  /** When set, this secret is (made) an admin token at start (for automation). */
  adminToken: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  /** Folder of the built web UI. */
  webDist: z.string().optional(),
  /** The address people reach the server at, used in links (pull requests, releases). Default: the listening address. */
  publicUrl: z.string().regex(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' }).optional(),
  /**
   * Whether applications may name repositories on this machine (a path or `file://`). Handy on a
   * laptop; on a shared server anyone who may write applications could read any repository the
   * server can, so turn it off there. Paths inside the data dir are refused either way.
   */
  allowLocalRepositories: z.boolean().default(true),
  /**
   * An Argo Workflows server to run workflows on (`engine: argo` in a run); without it only the
   * local engine (steps as processes on this machine) is available.
   */
  argoWorkflows: z
    .strictObject({
      baseUrl: z.string().regex(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' }),
      token: z.string().min(1),
      namespace: z.string().min(1).default('argo'),
      serviceAccountName: z.string().optional(),
    })
    .optional(),
  /** Which engine runs workflows when a run names none: `local` (default) or `argo`. */
  defaultWorkflowEngine: z.enum(['local', 'argo']).default('local'),
  /** Which Git provider opens pull requests for which repository URLs (see docs/git.md); default: local for all. */
  gitProviders: z.array(z.unknown()).optional(),
});
export type ServerConfig = z.output<typeof ServerConfig>;
export type ServerConfigInput = z.input<typeof ServerConfig>;

export class ConfigError extends Error {
  readonly code = 'invalid_config';
}

/** Checks the settings and makes paths absolute; throws one ConfigError listing every problem. */
export function parseServerConfig(input: ServerConfigInput): ServerConfig {
  const parsed = ServerConfig.safeParse(input);
  if (!parsed.success) {
    const lines = issuesToProblems(parsed.error.issues, input, {}).map((p) => `  ${formatProblem(p)}`);
    throw new ConfigError(`invalid server settings:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  return {
    ...config,
    dataDir: isAbsolute(config.dataDir) ? config.dataDir : resolve(config.dataDir),
    ...(config.webDist ? { webDist: resolve(config.webDist) } : {}),
  };
}
