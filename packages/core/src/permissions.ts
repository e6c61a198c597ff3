import { kindInfo } from './resources/kinds.ts';
import type { ResourceKind } from './resources/schemas.ts';

/** Token roles, most powerful first. */
export const ROLES = ['admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Whether a role may create, replace or delete resources of a kind: environments, flows and
 * policies need `admin`; the other kinds need `member` or `admin`; `viewer` only reads.
 */
export function canWriteKind(role: Role, kind: ResourceKind): boolean {
  switch (role) {
    case 'admin':
      return true;
    case 'member':
      return kindInfo(kind).writeRole === 'member';
    case 'viewer':
      return false;
  }
}

/** Only admins create, list and revoke tokens. */
export function canManageTokens(role: Role): boolean {
  return role === 'admin';
}

/** What a token may do, sent with API payloads so clients never re-implement a check. */
export interface Abilities {
  role: Role;
  write: Record<ResourceKind, boolean>;
  manageTokens: boolean;
}

export function abilities(role: Role): Abilities {
  const kinds: ResourceKind[] = ['Environment', 'Application', 'Product', 'PromotionTemplate', 'PromotionFlow', 'PromotionPolicy', 'WorkflowTemplate'];
  return {
    role,
    write: Object.fromEntries(kinds.map((k) => [k, canWriteKind(role, k)])) as Record<ResourceKind, boolean>,
    manageTokens: canManageTokens(role),
  };
}
