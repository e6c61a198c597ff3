/**
 * The local workflow engine: runs Argo-shaped WorkflowTemplates as host processes, driven by
 * core's pure executor. Enabled and wired at the composition root.
 */
export { createLocalEngine, SHUTDOWN_MESSAGE } from './engine.ts';
export type { LocalEngine, LocalEngineOptions, NodeLog } from './engine.ts';
export { INTERRUPTED_MESSAGE, interruptedStatus } from './interrupted.ts';
