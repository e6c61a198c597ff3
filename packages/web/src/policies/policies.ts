import { comparePolicies, type Action, type EnvironmentKind, type PolicySource, type Problem, type PromotionPolicy, type ResolvedPolicy } from '@stagecoach/core';
import { apiPost } from '../api.ts';

const apiVersion = 'stagecoach.dev/v1alpha1';

/** How each action reads in the UI, with what it does. */
export const ACTIONS: readonly { value: Action; label: string; description: string }[] = [
  { value: 'commit', label: 'Commit', description: 'Commit the change to the target branch' },
  { value: 'pr', label: 'Pull request', description: 'Open a pull request and wait until it is merged' },
  { value: 'none', label: 'No action', description: 'Change nothing; a pre-action workflow does the promotion' },
];

/** The label of an action: `pr` → `Pull request`. */
export function actionLabel(action: Action): string {
  return ACTIONS.find((a) => a.value === action)?.label ?? action;
}

/** Policies in precedence order: lower priority first, ties by name. Does not mutate. */
export function sortPolicies(policies: readonly PromotionPolicy[]): PromotionPolicy[] {
  return [...policies].sort(comparePolicies);
}

/** The products a policy applies to, as the list shows them: `PRODUCT = a, b`, or `any product`. */
export function describeProducts(policy: PromotionPolicy): string {
  const names = policy.spec.selector?.product?.names ?? [];
  return names.length === 0 ? 'any product' : `PRODUCT = ${names.join(', ')}`;
}

/**
 * The target environments a policy applies to: `KIND = production`, `ENVIRONMENT = dev, qa`,
 * both (every criterion must match), or `any environment`.
 */
export function describeEnvironments(policy: PromotionPolicy): string {
  const target = policy.spec.selector?.targetEnvironment;
  const parts: string[] = [];
  if (target?.kinds && target.kinds.length > 0) parts.push(`KIND = ${target.kinds.join(', ')}`);
  if (target?.names && target.names.length > 0) parts.push(`ENVIRONMENT = ${target.names.join(', ')}`);
  return parts.length === 0 ? 'any environment' : parts.join(' and ');
}

/** Where a resolved field came from, in words: `policy production-needs-pr (priority 10)`. */
export function describeSource(source: PolicySource): string {
  switch (source.type) {
    case 'policy':
      return `policy ${source.name} (priority ${source.priority})`;
    case 'inline':
      return `inline (${source.name})`;
    case 'default':
      return 'default';
  }
}

/** The policy form's fields; `''` = the setting is left out. */
export interface PolicyValues {
  name: string;
  priority: number | '';
  preAction: string;
  action: Action | '';
  postAction: string;
  products: string[];
  environmentNames: string[];
  environmentKinds: EnvironmentKind[];
}

/** Which resource path each form field edits, to place the server's problems under it. */
export const policyFieldPaths = {
  name: 'metadata.name',
  priority: 'spec.priority',
  settings: 'spec.policy',
  preAction: 'spec.policy.preAction',
  action: 'spec.policy.action',
  postAction: 'spec.policy.postAction',
  selector: 'spec.selector',
  products: 'spec.selector.product',
  environmentNames: 'spec.selector.targetEnvironment.names',
  environmentKinds: 'spec.selector.targetEnvironment.kinds',
} as const;

/** The form for a new policy: priority 10 past the last one, action commit, matching everything. */
export function newPolicyValues(existing: readonly PromotionPolicy[]): PolicyValues {
  const priorities = existing.map((p) => p.spec.priority);
  const below = priorities.filter((p) => p < 1000);
  const priority = below.length === 0 ? 10 : Math.max(...below) + 10;
  return { name: '', priority, preAction: '', action: 'commit', postAction: '', products: [], environmentNames: [], environmentKinds: [] };
}

/** The form holding a stored policy. */
export function policyValues(policy: PromotionPolicy): PolicyValues {
  const { selector, policy: settings } = policy.spec;
  return {
    name: policy.metadata.name,
    priority: policy.spec.priority,
    preAction: settings.preAction ?? '',
    action: settings.action ?? '',
    postAction: settings.postAction ?? '',
    products: [...(selector?.product?.names ?? [])],
    environmentNames: [...(selector?.targetEnvironment?.names ?? [])],
    environmentKinds: [...(selector?.targetEnvironment?.kinds ?? [])],
  };
}

/**
 * The policy the form describes. Empty selector lists are left out, and so is a selector with
 * nothing in it (the policy then matches every product and environment). `previous` keeps the
 * labels and annotations the form does not show. A blank priority is sent as is for the server
 * to refuse under its field.
 */
export function policyFromValues(values: PolicyValues, previous?: PromotionPolicy): PromotionPolicy {
  const target = {
    ...(values.environmentNames.length > 0 ? { names: values.environmentNames } : {}),
    ...(values.environmentKinds.length > 0 ? { kinds: values.environmentKinds } : {}),
  };
  const selector = {
    ...(values.products.length > 0 ? { product: { names: values.products } } : {}),
    ...(Object.keys(target).length > 0 ? { targetEnvironment: target } : {}),
  };
  const { labels, annotations } = previous?.metadata ?? {};
  return {
    apiVersion,
    kind: 'PromotionPolicy',
    metadata: { name: values.name.trim(), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: {
      priority: values.priority as number,
      ...(Object.keys(selector).length > 0 ? { selector } : {}),
      policy: {
        ...(values.preAction !== '' ? { preAction: values.preAction } : {}),
        ...(values.action !== '' ? { action: values.action } : {}),
        ...(values.postAction !== '' ? { postAction: values.postAction } : {}),
      },
    },
  };
}

/** The answer of `POST /api/v1/promotion-policies/evaluate`. */
export interface PolicyEvaluation extends ResolvedPolicy {
  product: string;
  environment: string;
  warnings: Problem[];
}

/** Resolves the policy for `product` promoted to `environment`, with the source of each field. */
export function evaluatePolicy(product: string, environment: string, signal?: AbortSignal): Promise<PolicyEvaluation> {
  return apiPost<PolicyEvaluation>('/api/v1/promotion-policies/evaluate', { product, environment }, signal);
}

/** The resolved fields in the order a promotion runs them, with their labels; absent ones are `undefined`. */
export function evaluationRows(evaluation: PolicyEvaluation): { field: 'preAction' | 'action' | 'postAction'; label: string; value: string | undefined; source: PolicySource | undefined }[] {
  const { preAction, action, postAction } = evaluation.fields;
  return [
    { field: 'preAction', label: 'Pre-action workflow', value: preAction?.value, source: preAction?.source },
    { field: 'action', label: 'Action', value: action.value, source: action.source },
    { field: 'postAction', label: 'Post-action workflow', value: postAction?.value, source: postAction?.source },
  ];
}
