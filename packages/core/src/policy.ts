import { warning, type Problem } from './problems.ts';
import type { Action, EnvironmentKind, InlinePolicySettings, PromotionPolicy } from './resources/schemas.ts';

/** The action used when no policy and no inline setting gives one. */
export const DEFAULT_ACTION: Action = 'commit';

/**
 * Which setting supplied a resolved field: a PromotionPolicy (with its priority), inline settings
 * (a flow step's `policy`, or the manual promotion form; `name` says which, e.g.
 * `flow "three-env" step "qa"` or `manual`), or the built-in default (only for `action`).
 */
export type PolicySource = { type: 'policy'; name: string; priority: number } | { type: 'inline'; name: string } | { type: 'default' };

/** A resolved field and where its value came from. */
export interface ResolvedField<T> {
  value: T;
  source: PolicySource;
}

/** The two fields that name a workflow, the ones inline settings may set to `null`. */
export const WORKFLOW_FIELDS = ['preAction', 'postAction'] as const;
export type WorkflowField = (typeof WORKFLOW_FIELDS)[number];

/** A workflow field inline settings set to `null`: no workflow there, whatever the policies say. */
export interface RemovedWorkflow {
  field: WorkflowField;
  /** The inline settings that said so. */
  source: Extract<PolicySource, { type: 'inline' }>;
  /** What the policies gave and no longer runs; absent when no policy set this field. */
  overridden?: ResolvedField<string>;
}

export interface ResolvedPolicy {
  fields: {
    /** Workflow run before the action; absent when nothing sets one. */
    preAction?: ResolvedField<string>;
    /** Always set: the default `commit` when nothing sets one. */
    action: ResolvedField<Action>;
    /** Workflow run after the action and the sync wait; absent when nothing sets one. */
    postAction?: ResolvedField<string>;
  };
  /** The policies whose selector matched, in the order they were applied (first wins). */
  matched: { name: string; priority: number }[];
  /** Workflow fields inline settings set to `null`, in field order; absent when none. Such a field is absent from `fields`. */
  removed?: RemovedWorkflow[];
  /** `no-matching-policy`, `no-action`, `none-without-pre-action`; they never block a promotion. */
  warnings: Problem[];
}

export interface ResolvePolicyInput {
  product: string;
  /** The target environment. */
  environment: { name: string; kind: EnvironmentKind };
  policies: readonly PromotionPolicy[];
  /**
   * Settings of the flow step or the manual form; each field set here overrides the policies, and
   * a workflow set to `null` removes theirs.
   */
  inline?: InlinePolicySettings | undefined;
  /** How to name the inline settings in a field's source; default `inline`. */
  inlineSource?: string | undefined;
}

/**
 * Whether a policy applies to a product promoted to an environment. No selector matches
 * everything. Otherwise every criterion given must match: `product.names` (absent or empty = any
 * product), `targetEnvironment.names` and `targetEnvironment.kinds` (each absent or empty = any).
 */
export function policyMatches(policy: PromotionPolicy, product: string, environment: { name: string; kind: EnvironmentKind }): boolean {
  const selector = policy.spec.selector;
  if (!selector) return true;
  const anyOrIncludes = <T>(list: readonly T[] | undefined, value: T): boolean => !list || list.length === 0 || list.includes(value);
  return (
    anyOrIncludes(selector.product?.names, product) &&
    anyOrIncludes(selector.targetEnvironment?.names, environment.name) &&
    anyOrIncludes(selector.targetEnvironment?.kinds, environment.kind)
  );
}

/** Orders policies by precedence: lower priority first, then by name so that ties are stable. */
export function comparePolicies(a: PromotionPolicy, b: PromotionPolicy): number {
  if (a.spec.priority !== b.spec.priority) return a.spec.priority - b.spec.priority;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

type Found = Partial<ResolvedPolicy['fields']>;

/**
 * Copies the fields `settings` sets into `found` (a `null` workflow sets nothing here; the caller
 * removes it); `override` says whether they replace fields already found.
 */
function take(found: Found, settings: InlinePolicySettings, source: PolicySource, override: boolean): void {
  const { preAction, action, postAction } = settings;
  if (typeof preAction === 'string' && (override || !found.preAction)) found.preAction = { value: preAction, source };
  if (action !== undefined && (override || !found.action)) found.action = { value: action, source };
  if (typeof postAction === 'string' && (override || !found.postAction)) found.postAction = { value: postAction, source };
}

/**
 * The pre-action, action and post-action for one product promoted to one environment, and where
 * each came from. The matching policies are taken in precedence order (`comparePolicies`); each
 * field comes from the first of them that sets it, so different fields may come from different
 * policies. Then each field set inline replaces that field alone; an inline workflow of `null`
 * leaves the field absent and is listed in `removed`. With no action anywhere the action is
 * `commit`, from the default.
 */
export function resolvePolicy(input: ResolvePolicyInput): ResolvedPolicy {
  const { product, environment } = input;
  const pair = `product ${JSON.stringify(product)} in environment ${JSON.stringify(environment.name)}`;
  const matching = input.policies.filter((p) => policyMatches(p, product, environment)).sort(comparePolicies);
  const found: Found = {};
  for (const policy of matching) {
    take(found, policy.spec.policy, { type: 'policy', name: policy.metadata.name, priority: policy.spec.priority }, false);
  }
  const removed: RemovedWorkflow[] = [];
  if (input.inline) {
    const source = { type: 'inline', name: input.inlineSource ?? 'inline' } as const;
    for (const field of WORKFLOW_FIELDS) {
      if (input.inline[field] !== null) continue;
      const overridden = found[field];
      removed.push({ field, source, ...(overridden ? { overridden } : {}) });
      delete found[field];
    }
    take(found, input.inline, source, true);
  }

  const warnings: Problem[] = [];
  if (matching.length === 0) warnings.push(warning('no-matching-policy', '', `no promotion policy matches ${pair}`));
  let action = found.action;
  if (!action) {
    action = { value: DEFAULT_ACTION, source: { type: 'default' } };
    warnings.push(warning('no-action', 'action', `no policy or inline setting gives an action for ${pair}; using "${DEFAULT_ACTION}"`));
  }
  if (action.value === 'none' && !found.preAction) {
    warnings.push(
      warning(
        'none-without-pre-action',
        'action',
        `action is "none" for ${pair} but no pre-action workflow is set, so nothing will promote the change`,
      ),
    );
  }

  return {
    fields: {
      ...(found.preAction ? { preAction: found.preAction } : {}),
      action,
      ...(found.postAction ? { postAction: found.postAction } : {}),
    },
    matched: matching.map((p) => ({ name: p.metadata.name, priority: p.spec.priority })),
    ...(removed.length > 0 ? { removed } : {}),
    warnings,
  };
}
