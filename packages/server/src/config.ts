import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { formatProblem, issuesToProblems, parseDuration } from '@stagecoach/core';

function atLeastOneSecond(text: string): boolean {
  const parsed = parseDuration(text);
  return parsed.ok && parsed.milliseconds >= 1000;
}

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
  /**
   * An Argo CD server to read deployment status from (see docs/deployment-status.md). An
   * application that names an Argo CD application (`spec.argocd.name`) waits until Argo CD
   * reports it synced to the promotion's commit and healthy. Without these settings every
   * application is checked with git alone: deployed once the commit is on its branch.
   * `refreshSeconds`: at most one `refresh=normal` request per application in this many seconds
   * (default 30; 0 refreshes on every check).
   */
  argocd: z
    .strictObject({
      baseUrl: z.string().regex(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' }),
      token: z.string().min(1),
      refreshSeconds: z.int().min(0).max(3600).optional(),
    })
    .optional(),
  /**
   * Release orchestrator timings. `leaseSeconds`: how long a replica keeps a release without
   * renewing (default 30; a crashed replica's releases are taken over after it).
   * `checkMilliseconds`: pause between two checks of work that has not moved (default 1000).
   * `tickMilliseconds`: pause between looks for new work (default 500).
   */
  orchestrator: z
    .strictObject({
      leaseSeconds: z.number().min(1).max(3600).optional(),
      checkMilliseconds: z.int().min(10).max(60_000).optional(),
      tickMilliseconds: z.int().min(10).max(60_000).optional(),
    })
    .optional(),
  /** Which engine runs workflows when a run names none: `local` (default) or `argo`. */
  defaultWorkflowEngine: z.enum(['local', 'argo']).default('local'),
  /**
   * Git webhooks at `POST /api/v1/webhooks/git` (see docs/triggers.md). `secret` is the shared
   * secret set in each webhook: GitHub, Gitea and Forgejo sign deliveries with it (HMAC-SHA256),
   * GitLab sends it as its token. Without it, webhooks are refused and only polling triggers.
   */
  webhooks: z
    .strictObject({
      secret: z.string().min(16, { message: 'must be at least 16 characters; make one with `openssl rand -hex 32`' }),
    })
    .optional(),
  /** Automatic triggers (see docs/triggers.md). */
  triggers: z
    .strictObject({
      /**
       * How long polling waits between two looks at every trigger application's branch: a
       * Go-style duration of at least 1s, default `60s`; `"0"` turns polling off (webhooks only).
       */
      pollInterval: z
        .string()
        .refine((s) => s === '0' || atLeastOneSecond(s), {
          message: 'must be a duration of at least 1s such as "60s" or "5m", or "0" to turn polling off',
          params: { rule: 'duration' },
        })
        .optional(),
    })
    .optional(),
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
