import { Alert, Anchor, Code, Group, Loader, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { WorkflowTemplate } from '@stagecoach/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { listEnvironments, listProducts } from '../api.ts';
import { dashboardQueryKeys } from '../dashboard/Dashboard.tsx';
import { formatDateTime, formatDuration } from '../releases/status.ts';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { useRefreshOnEvents } from '../live/useEvents.ts';
import { listWorkflowRuns, listWorkflowTemplates, workflowKeys, type WorkflowRunFilter, type WorkflowRunSummary } from './api.ts';
import { declaredParameters, nodeDurationMs, RUN_PHASES, templateDescription } from './model.ts';
import { PhaseBadge } from './PhaseBadge.tsx';

/** The search parameters of `/workflows`: filters of the run list. `status` is the run's phase. */
export interface WorkflowsSearch {
  template?: string;
  status?: string;
  product?: string;
  environment?: string;
  release?: string;
}

/** How many runs the list shows at most. */
const runLimit = 100;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Workflow templates with their parameters, and the runs of every template, filtered. */
export function WorkflowsPage() {
  const abilities = useAbilities();
  const navigate = useNavigate();
  const templates = useQuery({ queryKey: workflowKeys.templates, queryFn: ({ signal }) => listWorkflowTemplates(signal) });
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Workflows</Title>
        <GuardedButton
          deniedReason={deniedReason(abilities, abilities.write.WorkflowTemplate, 'create workflow templates')}
          onClick={() => void navigate({ to: '/workflows/$name', params: { name: 'new' } })}
        >
          Add workflow template
        </GuardedButton>
      </Group>
      {templates.isError ? (
        <Alert color="red" title="Could not load the workflow templates">
          {errorText(templates.error)}
        </Alert>
      ) : templates.data === undefined ? (
        <Loader size="sm" />
      ) : templates.data.length === 0 ? (
        <Text c="dimmed">No workflow template yet.</Text>
      ) : (
        <TemplatesTable templates={templates.data} />
      )}
      <Title order={3}>Runs</Title>
      <RunsSection templateNames={(templates.data ?? []).map((template) => template.metadata.name)} />
    </Stack>
  );
}

/** Name, description, entrypoint and declared parameters (with defaults) of each template. */
export function TemplatesTable({ templates }: { templates: readonly WorkflowTemplate[] }) {
  return (
    <Table striped aria-label="Workflow templates">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Description</Table.Th>
          <Table.Th>Entrypoint</Table.Th>
          <Table.Th>Parameters</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {templates.map((template) => (
          <Table.Tr key={template.metadata.name}>
            <Table.Td>
              <Anchor renderRoot={(props) => <Link {...props} to="/workflows/$name" params={{ name: template.metadata.name }} />} fw={600}>
                {template.metadata.name}
              </Anchor>
            </Table.Td>
            <Table.Td>{templateDescription(template)}</Table.Td>
            <Table.Td ff="monospace">{template.spec.entrypoint}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                {declaredParameters(template).map((parameter) => (
                  <Code key={parameter.name}>{parameter.default === undefined ? `${parameter.name} (required)` : `${parameter.name}=${parameter.default}`}</Code>
                ))}
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RunsSection({ templateNames }: { templateNames: readonly string[] }) {
  const search = useSearch({ strict: false }) as WorkflowsSearch;
  const navigate = useNavigate();
  const setSearch = (change: Partial<WorkflowsSearch>) => {
    const next: WorkflowsSearch = { ...search, ...change };
    for (const key of Object.keys(next) as (keyof WorkflowsSearch)[]) if (!next[key]) delete next[key];
    void navigate({ to: '/workflows', search: next as never, replace: true });
  };
  const filter: WorkflowRunFilter = {
    template: search.template,
    phase: search.status,
    product: search.product,
    environment: search.environment,
    release: search.release,
    limit: runLimit,
  };
  const runs = useQuery({
    queryKey: workflowKeys.runList(filter),
    queryFn: ({ signal }) => listWorkflowRuns(filter, signal),
    // Events keep it fresh; this only catches what a dropped event stream missed.
    refetchInterval: 15_000,
  });
  // A run started, or a run or one of its nodes changed phase; a run carries its product and release as the event's.
  useRefreshOnEvents({ types: ['workflow-node'], product: search.product, release: search.release }, workflowKeys.runList(filter));
  const products = useQuery({ queryKey: dashboardQueryKeys.products, queryFn: ({ signal }) => listProducts(signal) });
  const environments = useQuery({ queryKey: dashboardQueryKeys.environments, queryFn: ({ signal }) => listEnvironments(signal) });
  const withCurrent = (names: readonly string[], current: string | undefined) => [...new Set([...names, ...(current ? [current] : [])])].sort();

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select label="Template" placeholder="Any template" clearable searchable data={withCurrent(templateNames, search.template)} value={search.template ?? null} onChange={(value) => setSearch({ template: value ?? undefined })} w={220} />
        <Select label="Status" placeholder="Any status" clearable data={[...RUN_PHASES]} value={search.status ?? null} onChange={(value) => setSearch({ status: value ?? undefined })} w={160} />
        <Select
          label="Product"
          placeholder="Any product"
          clearable
          searchable
          data={withCurrent((products.data ?? []).map((product) => product.metadata.name), search.product)}
          value={search.product ?? null}
          onChange={(value) => setSearch({ product: value ?? undefined })}
          w={180}
        />
        <Select
          label="Environment"
          placeholder="Any environment"
          clearable
          searchable
          data={withCurrent((environments.data ?? []).map((environment) => environment.metadata.name), search.environment)}
          value={search.environment ?? null}
          onChange={(value) => setSearch({ environment: value ?? undefined })}
          w={180}
        />
        <TextInput label="Release" placeholder="Release id" value={search.release ?? ''} onChange={(event) => setSearch({ release: event.currentTarget.value })} w={240} />
      </Group>
      {runs.isError ? (
        <Alert color="red" title="Could not load the runs">
          {errorText(runs.error)}
        </Alert>
      ) : runs.data === undefined ? (
        <Loader size="sm" />
      ) : runs.data.length === 0 ? (
        <Text c="dimmed">No run matches these filters.</Text>
      ) : (
        <RunsTable runs={runs.data} />
      )}
    </Stack>
  );
}

/** Runs, newest first: id, template, status, what they ran for, start and duration. */
export function RunsTable({ runs }: { runs: readonly WorkflowRunSummary[] }) {
  const now = new Date().toISOString();
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped aria-label="Workflow runs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Run</Table.Th>
            <Table.Th>Template</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>For</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>Duration</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => {
            const duration = nodeDurationMs(run, now);
            const { product, environment, application, release } = run.labels;
            return (
              <Table.Tr key={run.id} data-run={run.id}>
                <Table.Td ff="monospace">
                  <Anchor renderRoot={(props) => <Link {...props} to="/workflow-runs/$id" params={{ id: run.id }} />}>{run.id}</Anchor>
                </Table.Td>
                <Table.Td>{run.template}</Table.Td>
                <Table.Td title={run.message}>
                  <PhaseBadge phase={run.phase} size="sm" />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{[product, environment, application].filter(Boolean).join(' · ')}</Text>
                  {release ? (
                    <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/releases/$id" params={{ id: release }} />}>
                      release
                    </Anchor>
                  ) : null}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(run.startedAt ?? run.createdAt)}</Table.Td>
                <Table.Td>{duration === undefined ? '' : formatDuration(duration)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
