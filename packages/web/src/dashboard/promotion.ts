import type { EnvironmentColumn } from './board.ts';

/** A product card on the board: the product and the environment column it sits in. */
export interface CardRef {
  product: string;
  environment: string;
}

/** A manual promotion the user asked for, by drag-and-drop or by the Promote menu. */
export interface PromotionRequest {
  product: string;
  from: string;
  to: string;
}

/** Where the Commit Changes page of a promotion lives: path and search parameters. */
export interface PromoteLocation {
  to: '/promote';
  search: { product: string; from: string; to: string };
}

const separator = '/';

/**
 * The drag-and-drop id of a card: `<environment>/<product>`. Both are DNS-1123 labels, so the
 * separator cannot occur in either.
 */
export function cardId(card: CardRef): string {
  return `${card.environment}${separator}${card.product}`;
}

/** The card an id from `cardId` names, or null for anything else. */
export function parseCardId(id: unknown): CardRef | null {
  if (typeof id !== 'string') return null;
  const at = id.indexOf(separator);
  if (at <= 0 || at === id.length - 1) return null;
  return { environment: id.slice(0, at), product: id.slice(at + 1) };
}

/**
 * Whether a dragged card may be dropped on another: only on the same product's card in another
 * environment.
 */
export function canDrop(dragged: CardRef, target: CardRef): boolean {
  return dragged.product === target.product && dragged.environment !== target.environment;
}

/**
 * The promotion a drop makes, or null when the drop is not allowed (no target, another
 * product, the same environment).
 */
export function dropPromotion(dragged: CardRef | null, target: CardRef | null): PromotionRequest | null {
  if (dragged === null || target === null || !canDrop(dragged, target)) return null;
  return { product: dragged.product, from: dragged.environment, to: target.environment };
}

/**
 * The environments a product's card may be promoted to: every other column holding an
 * application of the product, in board order.
 */
export function promotionTargets(columns: readonly EnvironmentColumn[], card: CardRef): string[] {
  return columns
    .filter((column) => column.environment.metadata.name !== card.environment)
    .filter((column) => column.products.some((other) => other.product === card.product))
    .map((column) => column.environment.metadata.name);
}

/** The text shown beside the pointer while a card is dragged: `cf-101: dev → qa`. */
export function dragHint(dragged: CardRef, over: CardRef | null): string {
  if (over !== null && canDrop(dragged, over)) return `${dragged.product}: ${dragged.environment} → ${over.environment}`;
  return `${dragged.product}: ${dragged.environment} → drop on ${dragged.product} in another environment`;
}

/** The Commit Changes page for a promotion. */
export function promoteLocation(request: PromotionRequest): PromoteLocation {
  return { to: '/promote', search: { product: request.product, from: request.from, to: request.to } };
}
