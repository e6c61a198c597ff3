/** The WorkflowEngine port on an Argo Workflows server (argo-server REST API). */
export { createArgoEngine, RUN_ID_LABEL, withParameters } from './engine.ts';
export type { ArgoEngine, ArgoEngineOptions, WatchOptions } from './engine.ts';
export { createArgoClient } from './client.ts';
export type { ArgoClient, ArgoClientOptions, ArgoSubmitOptions, ArgoWatchEvent, ArgoWorkflow, ArgoNode, ArgoWorkflowTemplate } from './client.ts';
export { ArgoWorkflowsError, ARGO_ERROR_CODES, isRetryable } from './errors.ts';
export type { ArgoErrorCode } from './errors.ts';
export { argoNodeId, argoPodName, toRunStatus, STOPPED_MESSAGE } from './mapping.ts';
