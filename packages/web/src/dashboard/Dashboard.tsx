import { Alert, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ApiError, listApplications, listEnvironments, listProducts } from '../api.ts';
import type { Application, Environment, Product } from '../resources.ts';
import { buildBoard, summariseProducts, unplacedApplications } from './board.ts';
import { EnvironmentBoard } from './EnvironmentBoard.tsx';
import { ProductList } from './ProductList.tsx';

/** Query keys of the three lists the dashboard reads. */
export const dashboardQueryKeys = {
  environments: ['environments'],
  products: ['products'],
  applications: ['applications'],
} as const;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads environments, products and applications, then shows the board and the product list. */
export function Dashboard() {
  const environments = useQuery({
    queryKey: dashboardQueryKeys.environments,
    queryFn: ({ signal }) => listEnvironments(signal),
  });
  const products = useQuery({
    queryKey: dashboardQueryKeys.products,
    queryFn: ({ signal }) => listProducts(signal),
  });
  const applications = useQuery({
    queryKey: dashboardQueryKeys.applications,
    queryFn: ({ signal }) => listApplications(signal),
  });

  const queries = [environments, products, applications];
  const failed = queries.find((query) => query.isError);

  // A rejected token is handled by the app shell (back to sign-in); showing it here would flash.
  if (failed && !(failed.error instanceof ApiError && failed.error.isUnauthorized)) {
    return (
      <Alert color="red" title="Could not load the dashboard">
        <Stack gap="sm" align="flex-start">
          <Text size="sm">{errorMessage(failed.error)}</Text>
          <Button
            size="xs"
            variant="light"
            color="red"
            onClick={() => {
              for (const query of queries) if (query.isError) void query.refetch();
            }}
          >
            Try again
          </Button>
        </Stack>
      </Alert>
    );
  }

  if (environments.data === undefined || products.data === undefined || applications.data === undefined) {
    return (
      <Center py="xl">
        <Group gap="sm">
          <Loader size="sm" />
          <Text c="dimmed">Loading the dashboard…</Text>
        </Group>
      </Center>
    );
  }

  return (
    <DashboardView
      environments={environments.data}
      products={products.data}
      applications={applications.data}
    />
  );
}

export interface DashboardViewProps {
  environments: readonly Environment[];
  products: readonly Product[];
  applications: readonly Application[];
}

/** The loaded dashboard: environment columns, then the product list. */
export function DashboardView({ environments, products, applications }: DashboardViewProps) {
  const columns = useMemo(() => buildBoard(environments, applications), [environments, applications]);
  const unplaced = useMemo(
    () => unplacedApplications(environments, applications),
    [environments, applications],
  );
  const summaries = useMemo(() => summariseProducts(products, applications), [products, applications]);

  return (
    <Stack gap="xl">
      <Stack gap="sm">
        <Title order={2}>Environments</Title>
        <EnvironmentBoard columns={columns} />
        {unplaced.length > 0 ? (
          <Alert color="yellow" title="Applications in undeclared environments">
            {unplaced.map((application) => `${application.metadata.name} (${application.spec.environment})`).join(', ')}
          </Alert>
        ) : null}
      </Stack>
      <Stack gap="sm">
        <Title order={2}>Products</Title>
        <ProductList products={summaries} />
      </Stack>
    </Stack>
  );
}
