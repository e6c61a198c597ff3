export { startServer, buildServer, VERSION, DEFAULT_WEB_DIST, INITIAL_TOKEN_FILE, type RunningServer } from './server.ts';
export { parseServerConfig, ConfigError, type ServerConfig, type ServerConfigInput } from './config.ts';
export { BODY_LIMITS } from './api/app.ts';
export type { ErrorBody } from './api/respond.ts';
export { ERROR_STATUS, type ErrorCode } from './errors.ts';
export {
  seedDemo,
  demoCommit,
  applyDemo,
  demoRepositoryPath,
  DEMO_REPOS_DIR,
  DEMO_PRODUCTS,
  DemoExamplesError,
  DemoGitError,
  type DemoWorkspace,
  type DemoRepository,
  type DemoCommit,
  type DemoCommitOptions,
} from './demo/index.ts';
export type { ApplyReport, WriteResult } from './resources/service.ts';
