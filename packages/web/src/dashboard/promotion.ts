import type { EnvironmentColumn } from './board.ts';

/**
 * A product card on the board: the product and the environment column it sits in; with
 * `application`, one application line of the card (dragged to promote from that application).
 */
export interface CardRef {
  product: string;
  environment: string;
  application?: string;
}

/** A manual promotion the user asked for, by drag-and-drop or by the Promote menu. */
export interface PromotionRequest {
  product: string;
  from: string;
  to: string;
  /** The source application, when one application was dragged. */
  application?: string;
}

/** Where the Commit Changes page of a promotion lives: path and search parameters. */
export interface PromoteLocation {
  to: '/promote';
  search: { product: string; from: string; to: string; application?: string };
}

const separator = '/';

/**
 * The drag-and-drop id of a card, `<environment>/<product>`, or of one of its application lines,
 * `<environment>/<product>/<application>`. All are DNS-1123 labels, so the separator cannot
 * occur in any.
 */
export function cardId(card: CardRef): string {
  const id = `${card.environment}${separator}${card.product}`;
  return card.application === undefined ? id : `${id}${separator}${card.application}`;
}

/** The card or application line an id from `cardId` names, or null for anything else. */
export function parseCardId(id: unknown): CardRef | null {
  if (typeof id !== 'string') return null;
  const parts = id.split(separator);
  if ((parts.length !== 2 && parts.length !== 3) || parts.some((part) => part === '')) return null;
  const [environment, product, application] = parts as [string, string, string | undefined];
  return application === undefined ? { environment, product } : { environment, product, application };
}

/**
 * Whether a dragged card or application may be dropped on a card: only on the same product's
 * card in another environment.
 */
export function canDrop(dragged: CardRef, target: CardRef): boolean {
  return target.application === undefined && dragged.product === target.product && dragged.environment !== target.environment;
}

/**
 * The promotion a drop makes, or null when the drop is not allowed (no target, another
 * product, the same environment).
 */
export function dropPromotion(dragged: CardRef | null, target: CardRef | null): PromotionRequest | null {
  if (dragged === null || target === null || !canDrop(dragged, target)) return null;
  const request = { product: dragged.product, from: dragged.environment, to: target.environment };
  return dragged.application === undefined ? request : { ...request, application: dragged.application };
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

/**
 * The text shown beside the pointer while a card is dragged, `cf-101: dev → qa`, or an
 * application, `cf-101 (cf-101-eu): dev → qa`.
 */
export function dragHint(dragged: CardRef, over: CardRef | null): string {
  const what = dragged.application === undefined ? dragged.product : `${dragged.product} (${dragged.application})`;
  if (over !== null && canDrop(dragged, over)) return `${what}: ${dragged.environment} → ${over.environment}`;
  return `${what}: ${dragged.environment} → drop on ${dragged.product} in another environment`;
}

/** The Commit Changes page for a promotion. */
export function promoteLocation(request: PromotionRequest): PromoteLocation {
  const search = { product: request.product, from: request.from, to: request.to };
  return { to: '/promote', search: request.application === undefined ? search : { ...search, application: request.application } };
}
