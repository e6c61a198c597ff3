import type { PromotionTarget } from './api.ts';

/** The search parameters of `/promote`, read; or the names of the required ones that are missing. */
export type ReadTarget = { ok: true; target: PromotionTarget } | { ok: false; missing: string[] };

// The router parses search values as JSON, so a name made of digits arrives as a number.
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Reads `product`, `from`, `to` (required) and `application` (optional) from `/promote`'s search. */
export function readPromotionTarget(search: Readonly<Record<string, unknown>>): ReadTarget {
  const product = text(search.product);
  const from = text(search.from);
  const to = text(search.to);
  const application = text(search.application);
  const missing = [
    ...(product === undefined ? ['product'] : []),
    ...(from === undefined ? ['from'] : []),
    ...(to === undefined ? ['to'] : []),
  ];
  if (product === undefined || from === undefined || to === undefined) return { ok: false, missing };
  return { ok: true, target: application === undefined ? { product, from, to } : { product, from, to, application } };
}
