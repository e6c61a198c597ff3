import { QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api.ts';

/** How many times a query is retried when the server could not be reached at all. */
const unreachableRetries = 2;

/**
 * The app's query client. Any query answered with 401 calls `onUnauthorized`, so one place
 * sends the user back to sign-in. Answers from the server are not retried (the same request
 * would get the same answer); only unreachable-server failures are.
 */
export function createQueryClient(onUnauthorized: (error: ApiError) => void): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (error instanceof ApiError && error.isUnauthorized) onUnauthorized(error);
      },
    }),
    defaultOptions: {
      queries: {
        retry: (failureCount, error) =>
          error instanceof ApiError && error.status === 0 && failureCount < unreachableRetries,
        staleTime: 10_000,
      },
    },
  });
}
