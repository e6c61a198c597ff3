import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { getRelease, releaseQueryKeys } from '../releases/api.ts';
import { coalesce, subscribeEvents, type EventFilter, type StagecoachEvent } from './events.ts';

export type { EventFilter, StagecoachEvent } from './events.ts';

/** Options of `useEvents`. */
export interface UseEventsOptions {
  /** False to stay unsubscribed (for example until an id is known). Default true. */
  enabled?: boolean;
  /** Called each time the stream opens (first time and after reconnections). */
  onOpen?: () => void;
}

/**
 * Subscribes to live events while the component is mounted, calling `onEvent` for each. The
 * subscription is renewed only when the filter's values change, not when `onEvent` does.
 */
export function useEvents(filter: EventFilter, onEvent: (event: StagecoachEvent) => void, options: UseEventsOptions = {}): void {
  const onEventRef = useRef(onEvent);
  const onOpenRef = useRef(options.onOpen);
  onEventRef.current = onEvent;
  onOpenRef.current = options.onOpen;
  const enabled = options.enabled ?? true;
  const types = filter.types?.join(',') ?? '';
  const { release, product } = filter;

  useEffect(() => {
    if (!enabled) return undefined;
    return subscribeEvents(
      { release, product, types: types === '' ? undefined : types.split(',') },
      (event) => onEventRef.current(event),
      { onOpen: () => onOpenRef.current?.() },
    );
  }, [enabled, release, product, types]);
}

/**
 * Reloads the queries under `queryKey` whenever a matching event arrives (and when the stream
 * opens), at most one reload at a time: events that come during a reload cause one more.
 */
export function useRefreshOnEvents(filter: EventFilter, queryKey: QueryKey, options: { enabled?: boolean } = {}): void {
  const queryClient = useQueryClient();
  const keyText = JSON.stringify(queryKey);
  const refresh = useMemo(
    () => coalesce(() => queryClient.invalidateQueries({ queryKey: JSON.parse(keyText) as QueryKey })),
    [queryClient, keyText],
  );
  useEvents(filter, refresh, { enabled: options.enabled ?? true, onOpen: refresh });
}

/**
 * The release `id` as a TanStack Query (`releaseQueryKeys.detail(id)`), kept fresh by its live
 * events: each event of the release reloads it.
 */
export function useLiveRelease(id: string | undefined) {
  const query = useQuery({
    queryKey: releaseQueryKeys.detail(id ?? ''),
    queryFn: ({ signal }) => getRelease(id ?? '', signal),
    enabled: id !== undefined && id !== '',
  });
  useRefreshOnEvents({ release: id }, releaseQueryKeys.detail(id ?? ''), { enabled: id !== undefined && id !== '' });
  return query;
}
