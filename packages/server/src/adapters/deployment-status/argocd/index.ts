/**
 * The deployment status port on the Argo CD API: sync revision and health of an application; and
 * the versions' overview of many applications from one list.
 */
export { createArgoCdDeploymentStatus, DEFAULT_REFRESH_SECONDS } from './argocd-status.ts';
export { createArgoCdDeploymentOverview, DEFAULT_OVERVIEW_CACHE_SECONDS, OVERVIEW_FIELDS, OVERVIEW_TIMEOUT_MS } from './argocd-overview.ts';
export type { ArgoCdOverviewOptions } from './argocd-overview.ts';
export type { ArgoCdDeploymentStatusOptions, IsAncestor } from './argocd-status.ts';
export { createArgoCdClient } from './client.ts';
export type { ArgoCdApplication, ArgoCdClient, ArgoCdClientOptions, ArgoCdRefresh } from './client.ts';
export { ArgoCdError, ARGOCD_ERROR_CODES, isRetryableArgoCdError } from './errors.ts';
export type { ArgoCdErrorCode } from './errors.ts';
