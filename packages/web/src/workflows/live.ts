import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { coalesce } from '../live/events.ts';
import { useEvents } from '../live/useEvents.ts';
import { workflowKeys } from './api.ts';
import { isEventOfRun } from './model.ts';

/**
 * Keeps run `id` fresh from live events: its detail and logs are read again on each
 * `workflow-node` event of the run, and each time the event stream opens (events published
 * while it was closed are not sent). A burst of events makes at most two reloads.
 */
export function useLiveRun(id: string): void {
  const queryClient = useQueryClient();
  const refresh = useMemo(
    () =>
      coalesce(() =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: workflowKeys.run(id) }),
          queryClient.invalidateQueries({ queryKey: workflowKeys.runLogs(id) }),
        ]),
      ),
    [queryClient, id],
  );
  useEvents(
    { types: ['workflow-node'] },
    (event) => {
      if (isEventOfRun(event, id)) refresh();
    },
    { enabled: id !== '', onOpen: refresh },
  );
}
