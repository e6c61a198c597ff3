/**
 * The process layer of the local workflow engine: runs one leaf step (an Argo `container` or
 * `script` template) as a host process in its own step folder. How container paths map onto the
 * host is described at `StepLayout` in `paths.ts`.
 */
export { DEFAULT_KILL_GRACE_MS, DEFAULT_LOG_LIMIT_BYTES, DEFAULT_OUTPUT_LIMIT_BYTES, runStep } from './run-step.ts';
export type { RunStepOptions, StepHandle, StepPhase, StepResult, StepSpec } from './run-step.ts';
export { CappedLog } from './capped-log.ts';
export { createLimiter } from './limiter.ts';
export type { Limiter, Release } from './limiter.ts';
export type { StepLayout } from './paths.ts';
