import type { Action, FileChange, RemovedWorkflow, ResolvedField } from '@stagecoach/core';
import { apiGet, apiPost } from '../api.ts';
import type { ResourceList } from '../resources.ts';

/** Property and file changes are core's own (`planChangeSet`), as the server sends them. */
export type { FileChange, PropertyChange } from '@stagecoach/core';

/** A folder of an application at a commit: where a change set reads or writes. */
export interface FolderRef {
  application: string;
  repoURL: string;
  branch: string;
  path: string;
  commit: string;
}

/** A problem the server found; errors leave their file out of the change set. */
export interface PreviewProblem {
  severity: 'error' | 'warning';
  rule: string;
  message: string;
  path: string;
  file?: string;
}

/** The exact edits a promotion makes to one target application. */
export interface ChangeSet {
  application: string;
  source: FolderRef;
  target: FolderRef;
  templates: string[];
  files: FileChange[];
  /** The target already holds the source's values. */
  noChange: boolean;
  problems: PreviewProblem[];
}

/** The policy resolved for the product in the target environment. */
export interface PreviewPolicy {
  fields: {
    preAction?: ResolvedField<string>;
    action: ResolvedField<Action>;
    postAction?: ResolvedField<string>;
  };
  matched: { name: string; priority: number }[];
  /** Workflows inline settings of the request set to `null`; absent when none. */
  removed?: RemovedWorkflow[];
  warnings: PreviewProblem[];
}

/** The body of `POST /api/v1/promotions/preview`. */
export interface PromotionPreview {
  product: string;
  from: string;
  to: string;
  changeSets: ChangeSet[];
  policy: PreviewPolicy;
}

/** A manual promotion: product, source and target environment, and the source application when there are several. */
export interface PromotionTarget {
  product: string;
  from: string;
  to: string;
  application?: string;
}

/** Settings that replace the resolved policy's, field by field; absent fields keep the policy's, a `null` workflow runs none. */
export interface PolicyOverrides {
  action?: Action;
  preAction?: string | null;
  postAction?: string | null;
}

/** The part of a created release the page needs. */
export interface CreatedRelease {
  id: string;
  number: number;
  title: string;
  status: string;
}

function targetBody(target: PromotionTarget): PromotionTarget {
  const { product, from, to, application } = target;
  return application === undefined || application === '' ? { product, from, to } : { product, from, to, application };
}

/** The change set of every target application and the resolved policy; writes nothing. */
export function previewPromotion(target: PromotionTarget, signal?: AbortSignal): Promise<PromotionPreview> {
  return apiPost<PromotionPreview>('/api/v1/promotions/preview', targetBody(target), signal);
}

/** Starts the promotion: a new release of the `manual` flow. */
export function promote(target: PromotionTarget, overrides: PolicyOverrides): Promise<CreatedRelease> {
  return apiPost<CreatedRelease>('/api/v1/promotions', { ...targetBody(target), ...overrides });
}

/** The names of every stored WorkflowTemplate, sorted as the server lists them. */
export async function listWorkflowTemplateNames(signal?: AbortSignal): Promise<string[]> {
  const list = await apiGet<ResourceList<{ metadata: { name: string } }>>('/api/v1/workflow-templates', signal);
  return list.items.map((item) => item.metadata.name);
}
