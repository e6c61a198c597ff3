import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { coalesce } from '../live/events.ts';
import { useEvents } from '../live/useEvents.ts';
import { listVersions } from './queries.ts';
import { reportsDeployment, type ProductVersions, type VersionIndex, type VersionsFailure } from './versions.ts';

/**
 * Milliseconds between two reads of every product's versions while some application reports a
 * deployment: sync and health change in Argo CD without a commit, so no version event says so.
 */
export const DEPLOYMENT_REFRESH_MS = 30_000;

/** The query key of every product's versions, as the board holds them. */
export const versionsQueryKey = ['product-versions'] as const;

/**
 * `current` with the products of `fresh` put in their place (added when new), in product order.
 * Does not mutate.
 */
export function mergeVersions(current: readonly ProductVersions[], fresh: readonly ProductVersions[]): ProductVersions[] {
  const byProduct = new Map(current.map((entry) => [entry.product, entry]));
  for (const entry of fresh) byProduct.set(entry.product, entry);
  return [...byProduct.values()].sort((a, b) => (a.product < b.product ? -1 : a.product > b.product ? 1 : 0));
}

/**
 * The index the board reads: each product's versions, or, when the versions could not be read at
 * all, the reason for every product; products not there yet are still loading.
 */
export function versionIndex(products: readonly string[], data: readonly ProductVersions[] | undefined, error: Error | null): VersionIndex {
  const index = new Map<string, ProductVersions | VersionsFailure>();
  if (data !== undefined) for (const entry of data) index.set(entry.product, entry);
  else if (error !== null) for (const product of products) index.set(product, { error: `the versions could not be read: ${error.message}` });
  return index;
}

/**
 * Every product's versions in one request, kept live: a `version` event reads its product's
 * versions again (events that arrive meanwhile are gathered into the next request), and a
 * reconnected event stream reads them all again. While Argo CD deploys some application, they are
 * all read again every `DEPLOYMENT_REFRESH_MS` for its sync and health.
 */
export function useLiveVersions(products: readonly string[]): VersionIndex {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: versionsQueryKey,
    queryFn: ({ signal }) => listVersions([], signal),
    staleTime: 0,
    refetchInterval: (current) => (reportsDeployment(current.state.data) ? DEPLOYMENT_REFRESH_MS : false),
  });
  const [refresh] = useState(() => {
    const pending = new Set<string>();
    const read = coalesce(async () => {
      const names = [...pending];
      pending.clear();
      if (names.length === 0) return;
      const fresh = await listVersions(names);
      queryClient.setQueryData<ProductVersions[]>(versionsQueryKey, (current) => (current === undefined ? current : mergeVersions(current, fresh)));
    });
    return (product: string) => {
      pending.add(product);
      read();
    };
  });
  useEvents(
    { types: ['version'] },
    (event) => {
      if (event.product !== undefined) refresh(event.product);
    },
    // A read under way (the first one, as the stream first opens) is kept rather than started again.
    { onOpen: () => void queryClient.invalidateQueries({ queryKey: versionsQueryKey }, { cancelRefetch: false }) },
  );
  return useMemo(() => versionIndex(products, query.data, query.error), [products, query.data, query.error]);
}
