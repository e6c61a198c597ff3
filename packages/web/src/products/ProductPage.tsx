import { Alert, Anchor, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { dashboardQueryKeys } from '../dashboard/Dashboard.tsx';
import { getProductVersions } from '../dashboard/queries.ts';
import type { ProductVersions } from '../dashboard/versions.ts';
import { useRefreshOnEvents } from '../live/useEvents.ts';
import { listReleases } from '../releases/api.ts';
import { formatDateTime } from '../releases/status.ts';
import { StatusBadge } from '../releases/StatusBadge.tsx';
import { getProduct, productKeys } from './api.ts';
import { ProductSettingsForm } from './ProductSettingsForm.tsx';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One product: its applications' versions per environment, recent releases, and its settings. */
export function ProductPage() {
  const { name = '' } = useParams({ strict: false }) as { name?: string };
  const product = useQuery({ queryKey: productKeys.one(name), queryFn: ({ signal }) => getProduct(name, signal) });
  const versions = useQuery({ queryKey: dashboardQueryKeys.productVersions(name), queryFn: ({ signal }) => getProductVersions(name, signal) });
  useRefreshOnEvents({ product: name, types: ['version'] }, dashboardQueryKeys.productVersions(name));

  if (product.isError) {
    return (
      <Alert color="red" title={`Could not load product "${name}"`}>
        {errorText(product.error)}
      </Alert>
    );
  }
  return (
    <Stack gap="lg">
      <Anchor renderRoot={(props) => <Link {...props} to="/products" />} size="sm">
        ← Products
      </Anchor>
      <Title order={2}>{name}</Title>
      <section aria-labelledby="applications-heading">
        <Title order={3} id="applications-heading" mb="xs">
          Applications
        </Title>
        {versions.isError ? (
          <Alert color="red" title="Could not read the versions">
            {errorText(versions.error)}
          </Alert>
        ) : versions.data === undefined ? (
          <Loader size="sm" />
        ) : (
          <VersionsTable versions={versions.data} />
        )}
      </section>
      <section aria-labelledby="releases-heading">
        <Title order={3} id="releases-heading" mb="xs">
          Recent releases
        </Title>
        <RecentReleases product={name} />
      </section>
      <section aria-labelledby="settings-heading">
        <Title order={3} id="settings-heading" mb="xs">
          Settings
        </Title>
        {product.data === undefined ? (
          <Loader size="sm" />
        ) : (
          <ProductSettingsForm key={product.data.metadata.resourceVersion} product={product.data} versions={versions.data} />
        )}
      </section>
    </Stack>
  );
}

/** Each application per environment with its version (or why it is unknown) and last change. */
export function VersionsTable({ versions }: { versions: ProductVersions }) {
  const rows = versions.environments.flatMap((entry) => entry.applications.map((application) => ({ environment: entry.environment, application })));
  if (rows.length === 0) return <Text c="dimmed">No application of this product.</Text>;
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped aria-label="Application versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Environment</Table.Th>
            <Table.Th>Application</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Last change</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ environment, application }) => (
            <Table.Tr key={`${environment}/${application.application}`} data-environment={environment}>
              <Table.Td>{environment}</Table.Td>
              <Table.Td>{application.application}</Table.Td>
              <Table.Td>
                {application.version !== undefined ? (
                  <Text ff="monospace" size="sm" data-version={application.version}>
                    {application.version}
                  </Text>
                ) : (
                  <Text size="sm" c="orange.8">
                    unknown: {application.reason ?? 'not read'}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {application.lastChange ? (
                  <Text size="sm" title={application.lastChange.message}>
                    <Text span ff="monospace" size="sm">
                      {application.lastChange.sha.slice(0, 12)}
                    </Text>{' '}
                    {application.lastChange.author.name} · {formatDateTime(application.lastChange.author.date)}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RecentReleases({ product }: { product: string }) {
  const filter = { product, limit: 10 };
  const releases = useQuery({ queryKey: ['releases', 'list', filter], queryFn: ({ signal }) => listReleases(filter, signal) });
  if (releases.isError) return <Alert color="red" title="Could not load the releases">{errorText(releases.error)}</Alert>;
  if (releases.data === undefined) return <Loader size="sm" />;
  if (releases.data.length === 0) return <Text c="dimmed">No release yet.</Text>;
  return (
    <Table aria-label="Recent releases">
      <Table.Tbody>
        {releases.data.map((release) => (
          <Table.Tr key={release.id}>
            <Table.Td>
              <Anchor renderRoot={(props) => <Link {...props} to="/releases/$id" params={{ id: release.id }} />}>{release.title}</Anchor>
            </Table.Td>
            <Table.Td>{release.flow}</Table.Td>
            <Table.Td ff="monospace">{release.version}</Table.Td>
            <Table.Td>
              <StatusBadge status={release.status} size="sm" />
            </Table.Td>
            <Table.Td>{formatDateTime(release.createdAt)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
