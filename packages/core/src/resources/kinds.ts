import type { z } from 'zod';
import {
  ARGO_API_VERSION,
  Application,
  Environment,
  Product,
  PromotionFlow,
  PromotionPolicy,
  PromotionTemplate,
  STAGECOACH_API_VERSION,
  WorkflowTemplate,
  type ResourceKind,
} from './schemas.ts';

/** Who may write a kind: `admin` only, or `member` and above. Everyone with a token may read. */
export type WriteRole = 'admin' | 'member';

export interface KindInfo {
  kind: ResourceKind;
  apiVersion: string;
  /** URL segment under `/api/v1/`, e.g. `promotion-flows`. */
  plural: string;
  /** Words the CLI accepts for the kind, lower-case. */
  aliases: readonly string[];
  writeRole: WriteRole;
  schema: z.ZodType;
}

/** Every kind, in the order resources are applied and listed (referenced kinds first). */
export const KINDS: readonly KindInfo[] = [
  { kind: 'Environment', apiVersion: STAGECOACH_API_VERSION, plural: 'environments', aliases: ['environment', 'env', 'envs'], writeRole: 'admin', schema: Environment },
  { kind: 'WorkflowTemplate', apiVersion: ARGO_API_VERSION, plural: 'workflow-templates', aliases: ['workflowtemplate', 'workflowtemplates', 'workflow', 'workflows', 'wftmpl'], writeRole: 'member', schema: WorkflowTemplate },
  { kind: 'PromotionTemplate', apiVersion: STAGECOACH_API_VERSION, plural: 'promotion-templates', aliases: ['promotiontemplate', 'promotiontemplates', 'template', 'templates'], writeRole: 'member', schema: PromotionTemplate },
  { kind: 'PromotionFlow', apiVersion: STAGECOACH_API_VERSION, plural: 'promotion-flows', aliases: ['promotionflow', 'promotionflows', 'flow', 'flows'], writeRole: 'admin', schema: PromotionFlow },
  { kind: 'PromotionPolicy', apiVersion: STAGECOACH_API_VERSION, plural: 'promotion-policies', aliases: ['promotionpolicy', 'promotionpolicies', 'policy', 'policies'], writeRole: 'admin', schema: PromotionPolicy },
  { kind: 'Product', apiVersion: STAGECOACH_API_VERSION, plural: 'products', aliases: ['product', 'prod'], writeRole: 'member', schema: Product },
  { kind: 'Application', apiVersion: STAGECOACH_API_VERSION, plural: 'applications', aliases: ['application', 'app', 'apps'], writeRole: 'member', schema: Application },
];

const byKind = new Map(KINDS.map((k) => [k.kind, k]));

export function kindInfo(kind: ResourceKind): KindInfo {
  return byKind.get(kind)!;
}

export function isResourceKind(value: unknown): value is ResourceKind {
  return typeof value === 'string' && byKind.has(value as ResourceKind);
}

/**
 * Finds a kind from what a person typed: the kind (`PromotionFlow`), its plural (`promotion-flows`),
 * or an alias (`flows`), case-insensitively. Undefined when nothing matches.
 */
export function findKind(word: string): KindInfo | undefined {
  const w = word.toLowerCase();
  return KINDS.find((k) => k.kind.toLowerCase() === w || k.plural === w || k.plural.replace(/-/g, '') === w || k.aliases.includes(w));
}
