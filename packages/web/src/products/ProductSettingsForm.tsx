import { ActionIcon, Alert, Button, Card, Group, Radio, SegmentedControl, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { Product, PromotionTemplate } from '@stagecoach/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError } from '../api.ts';
import { dashboardQueryKeys } from '../dashboard/Dashboard.tsx';
import type { ProductVersions } from '../dashboard/versions.ts';
import { ApiErrorAlert } from '../promote/ApiErrorAlert.tsx';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { listPromotionFlowNames, listPromotionTemplates, previewProductVersions, productKeys, saveProduct } from './api.ts';
import {
  describeSelector,
  move,
  sameTemplate,
  settingsOf,
  templateOf,
  templateSettingsOf,
  versionSourceOf,
  withSettings,
  withTemplateSettings,
  type FlowRow,
  type ProductSettings,
  type SelectorRow,
  type TemplateSettings,
} from './model.ts';

const SELECTOR_KEYS = ['commitMessage', 'gitRevision', 'author'] as const;
const OPERATORS = ['In', 'NotIn'] as const;
/** Quiet time after the last template edit before its versions are asked for, in milliseconds. */
const PREVIEW_DELAY_MS = 400;

/**
 * The product's settings: promotion template (by name or inline) with the versions it resolves,
 * the ordered promotion flows with their git trigger conditions, and concurrency. Saved with a
 * PUT of the whole product; the server's problems are listed with their paths.
 */
export function ProductSettingsForm({ product, versions }: { product: Product; versions: ProductVersions | undefined }) {
  const abilities = useAbilities();
  const queryClient = useQueryClient();
  const [settings, setSettings] = useState(() => settingsOf(product));
  const templates = useQuery({ queryKey: productKeys.promotionTemplates, queryFn: ({ signal }) => listPromotionTemplates(signal) });
  const flowNames = useQuery({ queryKey: [...productKeys.promotionFlows, 'names'], queryFn: ({ signal }) => listPromotionFlowNames(signal) });
  const save = useMutation({
    mutationFn: () => saveProduct(withSettings(product, settings)),
    // A saved template changes the versions too.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: productKeys.one(product.metadata.name) }),
        queryClient.invalidateQueries({ queryKey: dashboardQueryKeys.productVersions(product.metadata.name) }),
      ]),
  });
  const change = (patch: Partial<ProductSettings>) => setSettings((before) => ({ ...before, ...patch }));
  const denied = deniedReason(abilities, abilities.write.Product, 'change products');

  return (
    <Stack gap="md">
      <Card withBorder>
        <Title order={4} mb="xs">
          Promotion template
        </Title>
        <SegmentedControl
          aria-label="Promotion template"
          value={settings.templateMode}
          onChange={(value) => change({ templateMode: value as ProductSettings['templateMode'] })}
          data={[
            { value: 'none', label: 'By application labels' },
            { value: 'ref', label: 'Named template' },
            { value: 'inline', label: 'Inline' },
          ]}
        />
        {settings.templateMode === 'ref' ? (
          <Select
            mt="sm"
            label="Template"
            searchable
            data={[...new Set([...(templates.data ?? []).map((template) => template.metadata.name), ...(settings.templateRef ? [settings.templateRef] : [])])]}
            value={settings.templateRef || null}
            onChange={(value) => change({ templateRef: value ?? '' })}
            w={280}
          />
        ) : null}
        {settings.templateMode === 'inline' ? <InlineTemplate settings={settings} change={change} /> : null}
        <TemplateVersions product={product} settings={settings} saved={versions} templates={templates.data ?? []} />
      </Card>

      <Card withBorder>
        <Title order={4}>Promotion flows</Title>
        <Text size="sm" c="dimmed" mb="xs">
          On a new commit in the trigger environment, the first flow whose conditions all match runs.
        </Text>
        <FlowList flows={settings.flows} names={flowNames.data ?? []} onChange={(flows) => change({ flows })} />
      </Card>

      <Card withBorder>
        <Title order={4} mb="xs">
          Concurrency
        </Title>
        <Radio.Group value={settings.concurrencyPolicy === '' ? 'queue' : settings.concurrencyPolicy} onChange={(value) => change({ concurrencyPolicy: value as ProductSettings['concurrencyPolicy'] })} label="When a release starts while another of this product runs">
          <Stack gap={6} mt={6}>
            <Radio value="queue" label="Queue (default): newer releases wait their turn; past the queue limit the oldest waiting ones are terminated" />
            <Radio value="terminate" label="Terminate: a newer release stops the running and waiting ones, then starts" />
            <Radio value="supersede" label="Supersede: one runs and one waits; a newer release replaces the waiting one" />
          </Stack>
        </Radio.Group>
        <TextInput mt="sm" label="Queue limit" description="Releases that may wait (queue); empty for the default, 50" type="number" min={1} value={settings.queueLimit} onChange={(event) => change({ queueLimit: event.currentTarget.value })} w={200} />
      </Card>

      {save.isError ? <ApiErrorAlert title="The settings were not saved" error={save.error} /> : null}
      {save.isSuccess ? (
        <Alert color="green" title="Saved">
          The product's settings were saved.
        </Alert>
      ) : null}
      <Group>
        <GuardedButton deniedReason={denied} loading={save.isPending} onClick={() => save.mutate()}>
          Save settings
        </GuardedButton>
        <Button variant="default" onClick={() => setSettings(settingsOf(product))}>
          Reset
        </Button>
      </Group>
    </Stack>
  );
}

function InlineTemplate({ settings, change }: { settings: ProductSettings; change: (patch: Partial<ProductSettings>) => void }) {
  const setRow = (index: number, patch: Partial<ProductSettings['properties'][number]>) =>
    change({ properties: settings.properties.map((row, i) => (i === index ? { ...row, ...patch } : row)) });
  return (
    <Stack gap="sm" mt="sm">
      <Group gap="sm">
        <TextInput label="Version file" placeholder="Chart.yaml" value={settings.versionFile} onChange={(event) => change({ versionFile: event.currentTarget.value })} w={240} />
        <TextInput label="Version path" placeholder="$.appVersion" value={settings.versionPath} onChange={(event) => change({ versionPath: event.currentTarget.value })} w={240} />
      </Group>
      <Text size="sm" fw={600}>
        Promotable properties
      </Text>
      {settings.properties.map((row, index) => (
        <Group key={index} align="flex-start" gap="sm">
          <TextInput label={`File ${index + 1}`} value={row.file} onChange={(event) => setRow(index, { file: event.currentTarget.value })} w={240} />
          <Textarea label="JSONPaths, one a line" value={row.paths} onChange={(event) => setRow(index, { paths: event.currentTarget.value })} rows={3} w={320} />
          <Button variant="subtle" color="red" mt={24} onClick={() => change({ properties: settings.properties.filter((_, i) => i !== index) })}>
            Remove file
          </Button>
        </Group>
      ))}
      <Group>
        <Button variant="light" size="xs" onClick={() => change({ properties: [...settings.properties, { file: '', paths: '' }] })}>
          Add file
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * The version each application resolves to: with the saved template, or, while the form's
 * template differs from it, with the unsaved one (asked for once the edits pause). Problems the
 * server finds in the unsaved template are listed instead of versions.
 */
function TemplateVersions({ product, settings, saved, templates }: { product: Product; settings: ProductSettings; saved: ProductVersions | undefined; templates: readonly PromotionTemplate[] }) {
  const savedProduct = useMemo(() => withSettings(product, settingsOf(product)), [product]);
  const edited = !sameTemplate(withTemplateSettings(product, settings), savedProduct);
  // Debounced as text: a new object each render would restart the wait for ever.
  const pendingText = JSON.stringify(templateSettingsOf(settings));
  const [settledText] = useDebouncedValue(pendingText, PREVIEW_DELAY_MS);
  const settled = useMemo(() => withTemplateSettings(product, JSON.parse(settledText) as TemplateSettings), [product, settledText]);
  const settledEdited = !sameTemplate(settled, savedProduct);
  const preview = useQuery({
    queryKey: productKeys.versionsPreview(product.metadata.name, templateOf(settled)),
    queryFn: ({ signal }) => previewProductVersions(settled, signal),
    enabled: edited && settledEdited,
    placeholderData: keepPreviousData,
  });

  if (!edited) return <VersionPreview heading={`saved settings: ${versionSourceOf(settingsOf(product), templates)}`} versions={saved} />;
  const heading = `unsaved settings: ${versionSourceOf(settings, templates)}`;
  if (preview.isError) {
    const invalid = preview.error instanceof ApiError && preview.error.status === 422;
    return (
      <Stack gap={4} mt="md">
        <PreviewHeading heading={heading} />
        <ApiErrorAlert title={invalid ? 'These settings would not be saved' : 'Could not read the versions'} error={preview.error} />
      </Stack>
    );
  }
  // Until the answer for the latest edits arrives, the last answer stays, dimmed.
  const current = settledEdited && !preview.isPlaceholderData && !preview.isFetching && settledText === pendingText;
  return <VersionPreview heading={heading} versions={preview.data} dimmed={!current} />;
}

function PreviewHeading({ heading }: { heading: string }) {
  return (
    <Text size="sm" fw={600}>
      Resolved version per environment ({heading})
    </Text>
  );
}

/** Each environment's applications with their version, or why it is unknown. */
function VersionPreview({ heading, versions, dimmed = false }: { heading: string; versions: ProductVersions | undefined; dimmed?: boolean }) {
  return (
    <Stack gap={4} mt="md">
      <PreviewHeading heading={heading} />
      {versions === undefined ? (
        <Text size="sm" c="dimmed">
          Reading the versions…
        </Text>
      ) : (
        <Table aria-label="Version preview" aria-busy={dimmed} withRowBorders={false} opacity={dimmed ? 0.5 : 1}>
          <Table.Tbody>
            {versions.environments.map((entry) => (
              <Table.Tr key={entry.environment}>
                <Table.Td w={180}>{entry.environment}</Table.Td>
                <Table.Td>
                  {entry.applications.map((application) => (
                    <Text key={application.application} size="sm" ff={application.version ? 'monospace' : undefined} c={application.version ? undefined : 'orange.8'}>
                      {application.version ?? `unknown: ${application.reason ?? 'not read'}`}
                    </Text>
                  ))}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function FlowList({ flows, names, onChange }: { flows: readonly FlowRow[]; names: readonly string[]; onChange: (flows: FlowRow[]) => void }) {
  const setFlow = (index: number, flow: FlowRow) => onChange(flows.map((candidate, i) => (i === index ? flow : candidate)));
  return (
    <Stack gap="sm">
      {flows.length === 0 ? (
        <Text size="sm" c="dimmed">
          No flow: commits start no release automatically.
        </Text>
      ) : null}
      {flows.map((flow, index) => (
        <Card key={index} withBorder padding="sm" data-flow={flow.name}>
          <Group justify="space-between">
            <Group gap="xs">
              <Text fw={600}>{index + 1}.</Text>
              <Select
                aria-label={`Flow ${index + 1}`}
                searchable
                data={[...new Set([...names, ...(flow.name ? [flow.name] : [])])]}
                value={flow.name || null}
                onChange={(value) => setFlow(index, { ...flow, name: value ?? '' })}
                w={240}
              />
              <Text size="sm" c="dimmed">
                {flow.selectors.length === 0 ? 'every commit' : flow.selectors.map((selector) => describeSelector({ ...selector, values: selector.values.split('\n').filter(Boolean) })).join(' and ')}
              </Text>
            </Group>
            <Group gap={4}>
              <ActionIcon variant="default" aria-label={`Move ${flow.name || 'flow'} up`} disabled={index === 0} onClick={() => onChange(move(flows, index, -1))}>
                ↑
              </ActionIcon>
              <ActionIcon variant="default" aria-label={`Move ${flow.name || 'flow'} down`} disabled={index === flows.length - 1} onClick={() => onChange(move(flows, index, 1))}>
                ↓
              </ActionIcon>
              <ActionIcon variant="subtle" color="red" aria-label={`Remove ${flow.name || 'flow'}`} onClick={() => onChange(flows.filter((_, i) => i !== index))}>
                ✕
              </ActionIcon>
            </Group>
          </Group>
          <SelectorRows selectors={flow.selectors} onChange={(selectors) => setFlow(index, { ...flow, selectors })} />
        </Card>
      ))}
      <Group>
        <Button variant="light" size="xs" onClick={() => onChange([...flows, { name: '', selectors: [] }])}>
          Add flow
        </Button>
      </Group>
    </Stack>
  );
}

function SelectorRows({ selectors, onChange }: { selectors: readonly SelectorRow[]; onChange: (selectors: SelectorRow[]) => void }) {
  const setRow = (index: number, patch: Partial<SelectorRow>) => onChange(selectors.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <Stack gap={6} mt="xs" pl="lg">
      {selectors.map((selector, index) => (
        <Group key={index} gap="xs" align="flex-start">
          <Select aria-label="Property" data={[...SELECTOR_KEYS]} value={selector.key} onChange={(value) => setRow(index, { key: (value ?? 'commitMessage') as SelectorRow['key'] })} w={160} allowDeselect={false} />
          <Select aria-label="Operator" data={[...OPERATORS]} value={selector.operator} onChange={(value) => setRow(index, { operator: (value ?? 'In') as SelectorRow['operator'] })} w={100} allowDeselect={false} />
          <Textarea aria-label="Values, one a line" placeholder="Values, one a line (* matches anything)" value={selector.values} onChange={(event) => setRow(index, { values: event.currentTarget.value })} rows={2} w={300} />
          <Button variant="subtle" color="red" size="xs" onClick={() => onChange(selectors.filter((_, i) => i !== index))}>
            Remove condition
          </Button>
        </Group>
      ))}
      <Group>
        <Button variant="subtle" size="xs" onClick={() => onChange([...selectors, { key: 'commitMessage', operator: 'In', values: '' }])}>
          Add condition
        </Button>
      </Group>
    </Stack>
  );
}
