import { assertNever } from './assert.ts';
import type { LabelSelector } from './resources/fields.ts';

/** Labels of a resource: key → value. */
export type Labels = Readonly<Record<string, string>>;

/** The operators of a label selector's `matchExpressions`. */
export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
export type LabelSelectorOperator = (typeof LABEL_SELECTOR_OPERATORS)[number];

/**
 * Whether `labels` satisfy a Kubernetes label selector. Every `matchLabels` pair and every
 * `matchExpressions` entry must hold (they are ANDed):
 * - `In`: the label is present and its value is one of `values`;
 * - `NotIn`: the label is absent, or its value is none of `values`;
 * - `Exists` / `DoesNotExist`: the label is present / absent, whatever its value (`values` is ignored).
 *
 * An empty selector (`{}`, or empty `matchLabels` and `matchExpressions`) selects everything, as
 * in Kubernetes. An absent selector (`undefined`) selects nothing: a resource without a selector
 * has opted out of matching, so it is only used when named explicitly (a PromotionTemplate without
 * `applicationSourceSelector` is used only through `promotionTemplateRef`).
 */
export function matchesLabelSelector(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  if (selector === undefined) return false;
  const has = (key: string): boolean => labels !== undefined && Object.hasOwn(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(key) || labels![key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const present = has(expression.key);
    const values = expression.values ?? [];
    const operator: LabelSelectorOperator = expression.operator;
    switch (operator) {
      case 'In':
        if (!present || !values.includes(labels![expression.key]!)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(labels![expression.key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return assertNever(operator, 'label selector operator');
    }
  }
  return true;
}
