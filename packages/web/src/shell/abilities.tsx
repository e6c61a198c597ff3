import { abilities as abilitiesOfRole, type Abilities, type ResourceKind, type Role } from '@stagecoach/core';
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { apiGet } from '../api.ts';

/** The answer of `GET /api/v1/whoami`. */
export interface WhoAmI {
  /** The token's name. */
  name: string;
  abilities: Abilities;
}

/**
 * What the signed-in token may do, as the pages ask it. `loaded` is false until the server
 * answered; until then every ability is false, so nothing is offered that may be refused.
 */
export interface SessionAbilities {
  loaded: boolean;
  /** The token's name; `''` until loaded. */
  name: string;
  role: Role;
  /** Create, replace and delete resources, per kind. */
  write: Record<ResourceKind, boolean>;
  manageTokens: boolean;
  /** Promote, trigger flows, retry and terminate releases, merge pull requests: member or admin. */
  operate: boolean;
}

/** The query key of `GET /api/v1/whoami`. */
export const whoamiQueryKey = ['whoami'] as const;

/** The abilities of a known token; pages' tests use it to render as a given role. */
export function abilitiesFor(role: Role, name: string = role): SessionAbilities {
  const granted = abilitiesOfRole(role);
  return { loaded: true, name, role, write: granted.write, manageTokens: granted.manageTokens, operate: role !== 'viewer' };
}

const unknownAbilities: SessionAbilities = { ...abilitiesFor('viewer', ''), loaded: false };

/** Holds the signed-in token's abilities; tests may provide a fixed value with `abilitiesFor`. */
export const AbilitiesContext = createContext<SessionAbilities | null>(null);

/** Loads `/api/v1/whoami` once per sign-in and shares the abilities with every page below. */
export function AbilitiesProvider({ children }: { children: ReactNode }) {
  const whoami = useQuery({
    queryKey: whoamiQueryKey,
    queryFn: ({ signal }) => apiGet<WhoAmI>('/api/v1/whoami', signal),
    staleTime: Infinity,
  });
  const value = useMemo((): SessionAbilities => {
    if (whoami.data === undefined) return unknownAbilities;
    const { name, abilities } = whoami.data;
    return { loaded: true, name, role: abilities.role, write: abilities.write, manageTokens: abilities.manageTokens, operate: abilities.role !== 'viewer' };
  }, [whoami.data]);
  return <AbilitiesContext.Provider value={value}>{children}</AbilitiesContext.Provider>;
}

/** The signed-in token's abilities (all false while loading, or outside an AbilitiesProvider). */
export function useAbilities(): SessionAbilities {
  return useContext(AbilitiesContext) ?? unknownAbilities;
}

/**
 * Why a button must stay disabled, or undefined when it may be used: `allowed` is the ability
 * the action needs, `what` completes "may not …" (`retry releases`).
 */
export function deniedReason(abilities: SessionAbilities, allowed: boolean, what: string): string | undefined {
  if (allowed) return undefined;
  if (!abilities.loaded) return 'Checking what your token may do…';
  return `Your role "${abilities.role}" may not ${what}`;
}
