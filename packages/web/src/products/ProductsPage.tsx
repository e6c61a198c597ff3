import { Alert, Anchor, Badge, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { listApplications, listEnvironments, listProducts } from '../api.ts';
import { dashboardQueryKeys } from '../dashboard/Dashboard.tsx';
import { listReleases, type ReleaseSummary } from '../releases/api.ts';
import { formatDateTime } from '../releases/status.ts';
import { StatusBadge } from '../releases/StatusBadge.tsx';
import { productKeys } from './api.ts';
import { productEnvironments } from './model.ts';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Every product with its latest release and the environments it has applications in. */
export function ProductsPage() {
  const products = useQuery({ queryKey: dashboardQueryKeys.products, queryFn: ({ signal }) => listProducts(signal) });
  const applications = useQuery({ queryKey: dashboardQueryKeys.applications, queryFn: ({ signal }) => listApplications(signal) });
  const environments = useQuery({ queryKey: dashboardQueryKeys.environments, queryFn: ({ signal }) => listEnvironments(signal) });
  const names = (products.data ?? []).map((product) => product.metadata.name);
  const latest = useQueries({
    queries: names.map((name) => ({
      queryKey: productKeys.latestRelease(name),
      queryFn: ({ signal }: { signal: AbortSignal }) => listReleases({ product: name, limit: 1 }, signal),
    })),
  });

  return (
    <Stack gap="md">
      <Title order={2}>Products</Title>
      {products.isError ? (
        <Alert color="red" title="Could not load the products">
          {errorText(products.error)}
        </Alert>
      ) : products.data === undefined ? (
        <Loader size="sm" />
      ) : names.length === 0 ? (
        <Text c="dimmed">No product yet.</Text>
      ) : (
        <Table striped aria-label="Products">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Product</Table.Th>
              <Table.Th>Latest release</Table.Th>
              <Table.Th>Environments</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {names.map((name, index) => {
              const release = latest[index];
              return (
                <Table.Tr key={name} data-product={name}>
                  <Table.Td>
                    <Anchor renderRoot={(props) => <Link {...props} to="/products/$name" params={{ name }} />} fw={600}>
                      {name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    {release?.isError ? (
                      <Text c="red" size="sm">
                        {errorText(release.error)}
                      </Text>
                    ) : release?.data === undefined ? (
                      <Loader size="xs" />
                    ) : (
                      <LatestRelease release={release.data[0]} />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {productEnvironments(name, applications.data ?? [], environments.data ?? []).map((environment) => (
                        <Badge key={environment} variant="outline" color="gray" tt="none">
                          {environment}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function LatestRelease({ release }: { release: ReleaseSummary | undefined }) {
  if (release === undefined) return <Text c="dimmed" size="sm">No release yet</Text>;
  return (
    <Group gap="xs" wrap="nowrap">
      <StatusBadge status={release.status} size="sm" />
      <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/releases/$id" params={{ id: release.id }} />}>
        {release.title}
      </Anchor>
      <Text size="sm" c="dimmed">
        {formatDateTime(release.createdAt)} by {release.initiator}
      </Text>
    </Group>
  );
}
