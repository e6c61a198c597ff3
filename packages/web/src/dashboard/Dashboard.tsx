import { Alert, Button, Center, Group, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo, useState } from 'react';
import { ApiError, listApplications, listEnvironments, listProducts } from '../api.ts';
import { useRefreshOnEvents } from '../live/useEvents.ts';
import type { Application, Environment, Product } from '../resources.ts';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { applicationNames, buildBoard, filterBoard, summariseProducts, unplacedApplications, type BoardFilter } from './board.ts';
import { EnvironmentBoard } from './EnvironmentBoard.tsx';
import { ProductList } from './ProductList.tsx';
import { promoteLocation, type PromotionRequest } from './promotion.ts';
import { useLiveVersions, versionsQueryKey } from './liveVersions.ts';
import { listActiveReleases } from './queries.ts';
import { promotingByEnvironment, type VersionIndex } from './versions.ts';

/** Query keys of the three lists the dashboard reads. */
export const dashboardQueryKeys = {
  environments: ['environments'],
  products: ['products'],
  applications: ['applications'],
  /** Every product's versions, as the board holds them. */
  versions: versionsQueryKey,
  /** One product's versions, as its page holds them. */
  productVersions: (product: string) => ['product-versions-of', product] as const,
  activeReleases: ['dashboard', 'active-releases'],
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
    <LoadedDashboard
      environments={environments.data}
      products={products.data}
      applications={applications.data}
    />
  );
}

/** Adds what the board shows beside the lists: versions, running promotions, permission, navigation. */
function LoadedDashboard(props: Omit<DashboardViewProps, 'versions' | 'promoting' | 'denied' | 'onPromote'>) {
  const navigate = useNavigate();
  const abilities = useAbilities();
  const productNames = useMemo(
    () => [...new Set(props.applications.map((application) => application.spec.product))].sort(),
    [props.applications],
  );
  const versions = useLiveVersions(productNames);
  const active = useQuery({
    queryKey: dashboardQueryKeys.activeReleases,
    queryFn: ({ signal }) => listActiveReleases(signal),
    staleTime: 0,
  });
  useRefreshOnEvents({ types: ['release', 'step'] }, dashboardQueryKeys.activeReleases);

  const promoting = useMemo(() => promotingByEnvironment(active.data ?? []), [active.data]);
  const onPromote = useCallback((request: PromotionRequest) => void navigate(promoteLocation(request)), [navigate]);

  return (
    <DashboardView
      {...props}
      versions={versions}
      promoting={promoting}
      denied={deniedReason(abilities, abilities.operate, 'promote')}
      onPromote={onPromote}
    />
  );
}

export interface DashboardViewProps {
  environments: readonly Environment[];
  products: readonly Product[];
  applications: readonly Application[];
  versions?: VersionIndex;
  /** Product names with a release promoting into each environment now. */
  promoting?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Why the user may not promote; undefined when they may. */
  denied?: string | undefined;
  /** A drop or a Promote menu choice asked for this promotion. */
  onPromote?: (request: PromotionRequest) => void;
}

/** Choices a filter's list shows at once; typing narrows the rest (a big workspace has thousands of applications). */
const CHOICES_SHOWN = 100;

const noFilter: BoardFilter = { product: null, application: null };

/** The loaded dashboard: filters, environment columns, then the product list. */
export function DashboardView({ environments, products, applications, versions, promoting, denied, onPromote }: DashboardViewProps) {
  const [filter, setFilter] = useState<BoardFilter>(noFilter);
  const allColumns = useMemo(() => buildBoard(environments, applications), [environments, applications]);
  const columns = useMemo(() => filterBoard(allColumns, filter), [allColumns, filter]);
  const productChoices = useMemo(() => [...new Set(allColumns.flatMap((column) => column.products.map((card) => card.product)))].sort(), [allColumns]);
  const applicationChoices = useMemo(() => applicationNames(filterBoard(allColumns, { ...filter, application: null })), [allColumns, filter]);
  const unplaced = useMemo(
    () => unplacedApplications(environments, applications),
    [environments, applications],
  );
  const summaries = useMemo(() => summariseProducts(products, applications), [products, applications]);

  return (
    <Stack gap="xl">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end">
          <Title order={2}>Environments</Title>
          <Group gap="sm">
            <Select
              label="Product"
              placeholder="All products"
              size="xs"
              w={180}
              clearable
              searchable
              data={productChoices}
              limit={CHOICES_SHOWN}
              value={filter.product}
              onChange={(product) => setFilter({ product, application: null })}
            />
            <Select
              label="Application"
              placeholder="All applications"
              size="xs"
              w={200}
              clearable
              searchable
              data={applicationChoices}
              limit={CHOICES_SHOWN}
              value={filter.application}
              onChange={(application) => setFilter({ ...filter, application })}
            />
          </Group>
        </Group>
        <EnvironmentBoard
          columns={columns}
          {...(versions !== undefined ? { versions } : {})}
          {...(promoting !== undefined ? { promoting } : {})}
          denied={denied}
          {...(onPromote !== undefined ? { onPromote } : {})}
        />
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
