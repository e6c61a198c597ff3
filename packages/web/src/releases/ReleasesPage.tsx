import { Alert, Anchor, Group, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { RELEASE_STATUSES } from '@stagecoach/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useMemo } from 'react';
import { apiGet, listEnvironments, listProducts } from '../api.ts';
import { dashboardQueryKeys } from '../dashboard/Dashboard.tsx';
import { useRefreshOnEvents } from '../live/useEvents.ts';
import type { ResourceList } from '../resources.ts';
import { listReleases, releaseQueryKeys, type ReleaseFilter } from './api.ts';
import { buildReleaseRows, dayRangeBounds, environmentColumns, type ReleaseRow } from './rows.ts';
import { formatDateTime } from './status.ts';
import { StatusBadge, StatusText } from './StatusBadge.tsx';

/** The search parameters of `/releases`; `since` and `until` are calendar days (`YYYY-MM-DD`). */
export interface ReleasesSearch {
  product?: string;
  status?: string;
  flow?: string;
  since?: string;
  until?: string;
}

/** How many releases the list shows at most. */
const listLimit = 200;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Releases, newest first, filtered by product, status, flow and days; updated live. */
export function ReleasesPage() {
  const search = useSearch({ strict: false }) as ReleasesSearch;
  const navigate = useNavigate();
  const setSearch = (change: Partial<ReleasesSearch>) => {
    const next: ReleasesSearch = { ...search, ...change };
    for (const key of Object.keys(next) as (keyof ReleasesSearch)[]) if (!next[key]) delete next[key];
    void navigate({ to: '/releases', search: next, replace: true });
  };

  const filter: ReleaseFilter = {
    product: search.product,
    status: search.status,
    flow: search.flow,
    ...dayRangeBounds(search.since, search.until),
    limit: listLimit,
  };
  const releases = useQuery({ queryKey: releaseQueryKeys.list(filter), queryFn: ({ signal }) => listReleases(filter, signal) });
  const products = useQuery({ queryKey: dashboardQueryKeys.products, queryFn: ({ signal }) => listProducts(signal) });
  const environments = useQuery({ queryKey: dashboardQueryKeys.environments, queryFn: ({ signal }) => listEnvironments(signal) });
  const flows = useQuery({
    queryKey: ['promotion-flows'],
    queryFn: ({ signal }) => apiGet<ResourceList<{ metadata: { name: string } }>>('/api/v1/promotion-flows', signal),
  });
  useRefreshOnEvents({ product: search.product, types: ['release'] }, releaseQueryKeys.lists);

  const rows = useMemo(() => buildReleaseRows(releases.data ?? []), [releases.data]);
  const columns = useMemo(() => environmentColumns(releases.data ?? [], environments.data ?? []), [releases.data, environments.data]);
  const flowNames = useMemo(
    () => [...new Set(['manual', ...(flows.data?.items ?? []).map((flow) => flow.metadata.name), ...(search.flow ? [search.flow] : [])])].sort(),
    [flows.data, search.flow],
  );

  return (
    <Stack gap="md">
      <Title order={2}>Releases</Title>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Product"
          placeholder="All products"
          clearable
          searchable
          data={(products.data ?? []).map((product) => product.metadata.name)}
          value={search.product ?? null}
          onChange={(value) => setSearch({ product: value ?? undefined })}
          w={200}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={[...RELEASE_STATUSES]}
          value={search.status ?? null}
          onChange={(value) => setSearch({ status: value ?? undefined })}
          w={160}
        />
        <Select
          label="Flow"
          placeholder="Any flow"
          clearable
          searchable
          data={flowNames}
          value={search.flow ?? null}
          onChange={(value) => setSearch({ flow: value ?? undefined })}
          w={220}
        />
        <TextInput label="From" type="date" value={search.since ?? ''} onChange={(event) => setSearch({ since: event.currentTarget.value })} w={160} />
        <TextInput label="To" type="date" value={search.until ?? ''} onChange={(event) => setSearch({ until: event.currentTarget.value })} w={160} />
      </Group>
      {releases.isError ? (
        <Alert color="red" title="Could not load the releases">
          {errorText(releases.error)}
        </Alert>
      ) : releases.data === undefined ? (
        <Group gap="sm">
          <Loader size="sm" />
          <Text c="dimmed">Loading releases…</Text>
        </Group>
      ) : rows.length === 0 ? (
        <Text c="dimmed">No release matches these filters.</Text>
      ) : (
        <ReleasesTable rows={rows} environments={columns} />
      )}
    </Stack>
  );
}

/** The table of releases: one status cell per environment column. */
export function ReleasesTable({ rows, environments }: { rows: readonly ReleaseRow[]; environments: readonly string[] }) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover aria-label="Releases">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Date</Table.Th>
            <Table.Th>Release</Table.Th>
            <Table.Th>Initiator</Table.Th>
            <Table.Th>Flow</Table.Th>
            <Table.Th>Version</Table.Th>
            {environments.map((environment) => (
              <Table.Th key={environment}>{environment}</Table.Th>
            ))}
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr
              key={row.id}
              data-release={row.id}
              style={{ cursor: 'pointer' }}
              // The title is the keyboard's way in; a click anywhere on the row is a shortcut.
              onClick={(event) => {
                if ((event.target as HTMLElement).closest('a') === null) void navigate({ to: '/releases/$id', params: { id: row.id } });
              }}
            >
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(row.createdAt)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor renderRoot={(props) => <Link {...props} to="/releases/$id" params={{ id: row.id }} />} fw={600}>
                  {row.title}
                </Anchor>
              </Table.Td>
              <Table.Td>{row.initiator}</Table.Td>
              <Table.Td>{row.flow}</Table.Td>
              <Table.Td ff="monospace">{row.version}</Table.Td>
              {environments.map((environment) => {
                const cell = row.cells[environment];
                return (
                  <Table.Td key={environment} data-environment={environment}>
                    {cell ? <StatusText status={cell.status} message={cell.message} /> : <Text c="dimmed">—</Text>}
                  </Table.Td>
                );
              })}
              <Table.Td title={row.message}>
                <StatusBadge status={row.status} size="sm" />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
