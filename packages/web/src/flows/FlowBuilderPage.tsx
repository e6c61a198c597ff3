import { Alert, Button, Center, Grid, Group, List, Loader, Paper, Select, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Environment, PromotionFlow } from '@stagecoach/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, listEnvironments } from '../api.ts';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { flowKeys, getFlow, listWorkflowTemplates, saveFlow } from './api.ts';
import { checkFlow } from './check.ts';
import { FlowChart } from './FlowChart.tsx';
import {
  addStep,
  cleanFlow,
  DESCRIPTION_ANNOTATION,
  emptyFlow,
  HOOK_SLOTS,
  setAnnotation,
  setFlowHook,
  setSpecField,
  setTriggerEnvironment,
  VERSION_ANNOTATION,
  type FlowSpec,
} from './model.ts';
import { FLOW_HOOK_LABELS } from './slots.ts';
import { StepPanel } from './StepPanel.tsx';
import { TriggerFlowModal } from './TriggerFlowModal.tsx';
import { YamlTab } from './YamlTab.tsx';

/** The flow being edited: what it was when loaded (or saved), what it is now, and the stored version. */
interface Editing {
  name: string;
  base: PromotionFlow;
  draft: PromotionFlow;
  resourceVersion: string | undefined;
}

function startEditing(name: string, flow: PromotionFlow): Editing {
  const clean = cleanFlow(flow);
  return { name, base: clean, draft: clean, resourceVersion: flow.metadata.resourceVersion };
}

/** Environment names in dashboard order (then by name). */
export function environmentOrder(environments: readonly Environment[]): string[] {
  return [...environments]
    .sort((a, b) => (a.spec.order ?? Number.MAX_SAFE_INTEGER) - (b.spec.order ?? Number.MAX_SAFE_INTEGER) || a.metadata.name.localeCompare(b.metadata.name))
    .map((e) => e.metadata.name);
}

/** The Flow Builder: the flow as a chart or YAML, its settings, the problems found, Save and Trigger. */
export function FlowBuilderPage() {
  const params = useParams({ strict: false }) as { name?: string };
  const name = params.name ?? 'new';
  const isNew = name === 'new';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const abilities = useAbilities();

  const stored = useQuery({ queryKey: flowKeys.one(name), queryFn: ({ signal }) => getFlow(name, signal), enabled: !isNew, staleTime: 0 });
  const environments = useQuery({ queryKey: ['environments'], queryFn: ({ signal }) => listEnvironments(signal) });
  const workflows = useQuery({ queryKey: flowKeys.workflowTemplates, queryFn: ({ signal }) => listWorkflowTemplates(signal) });

  const [editing, setEditing] = useState<Editing | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [conflict, setConflict] = useState(false);
  const [triggering, setTriggering] = useState(false);

  useEffect(() => {
    if (editing?.name === name) return;
    if (isNew) setEditing(startEditing(name, emptyFlow()));
    else if (stored.data) setEditing(startEditing(name, stored.data));
    setSelected(undefined);
  }, [name, isNew, stored.data, editing?.name]);

  const environmentNames = useMemo(() => environmentOrder(environments.data ?? []), [environments.data]);
  const workflowNames = useMemo(() => (workflows.data ?? []).map((w) => w.metadata.name).sort(), [workflows.data]);
  const check = useMemo(
    () => (editing ? checkFlow(editing.draft, environments.data ?? [], workflows.data ?? [], isNew ? undefined : name) : undefined),
    [editing, environments.data, workflows.data, isNew, name],
  );

  const save = useMutation({
    mutationFn: () => saveFlow(editing!.draft, isNew ? undefined : { resourceVersion: editing!.resourceVersion }),
    onSuccess: (report) => {
      const saved = editing!.draft;
      notifications.show({ title: 'Flow saved', message: saved.metadata.name, color: 'green' });
      void queryClient.invalidateQueries({ queryKey: flowKeys.all });
      if (isNew) {
        void navigate({ to: '/flows/$name', params: { name: saved.metadata.name } } as never);
      } else {
        setEditing({ ...editing!, base: saved, resourceVersion: report.results[0]?.resourceVersion ?? editing!.resourceVersion });
      }
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409 && !isNew) setConflict(true);
    },
  });

  async function reload() {
    const fresh = await stored.refetch();
    if (fresh.data) setEditing(startEditing(name, fresh.data));
    setConflict(false);
    save.reset();
  }

  const failed = [stored, environments, workflows].find((q) => q.isError);
  if (failed) {
    return (
      <Alert color="red" title="Could not load the flow builder">
        {failed.error?.message}
      </Alert>
    );
  }
  if (!editing || !check || environments.isPending || workflows.isPending) {
    return (
      <Center h={200}>
        <Loader aria-label="Loading the flow" />
      </Center>
    );
  }

  const { draft } = editing;
  const spec = draft.spec;
  const readOnly = !abilities.write.PromotionFlow;
  const readOnlyReason = deniedReason(abilities, abilities.write.PromotionFlow, 'edit promotion flows');
  const dirty = JSON.stringify(cleanFlow(draft)) !== JSON.stringify(editing.base);
  const saveBlocked = readOnlyReason ?? (check.blocking ? 'Fix the problems listed below first' : !dirty && !isNew ? 'Nothing to save' : undefined);
  const triggerBlocked = deniedReason(abilities, abilities.operate, 'trigger flows') ?? (isNew ? 'Save the flow first' : dirty ? 'Save or discard your changes first' : undefined);

  const update = (next: PromotionFlow) => setEditing((e) => (e ? { ...e, draft: next } : e));
  const updateSpec = (next: FlowSpec) => update({ ...draft, spec: next });
  const annotation = (key: string) => draft.metadata.annotations?.[key] ?? '';

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={0}>
          <Title order={2}>{isNew ? 'New promotion flow' : draft.metadata.name}</Title>
          {readOnlyReason && abilities.loaded ? (
            <Text size="sm" c="dimmed">
              Read only: {readOnlyReason}
            </Text>
          ) : null}
        </Stack>
        <Group>
          <GuardedButton variant="light" deniedReason={triggerBlocked} onClick={() => setTriggering(true)}>
            Trigger
          </GuardedButton>
          <Button variant="default" disabled={!dirty || readOnly} onClick={() => update(editing.base)}>
            Discard changes
          </Button>
          <GuardedButton deniedReason={saveBlocked} loading={save.isPending} onClick={() => save.mutate()}>
            Save flow
          </GuardedButton>
        </Group>
      </Group>

      {conflict ? (
        <Alert color="orange" title="Changed by someone else">
          <Group justify="space-between">
            <Text size="sm">This flow was saved by someone else after you opened it. Reload to see their version; your changes here are dropped.</Text>
            <Button size="xs" onClick={() => void reload()}>
              Reload
            </Button>
          </Group>
        </Alert>
      ) : null}
      {save.isError && !conflict ? (
        <Alert color="red" title="The flow was not saved">
          {save.error.message}
          {save.error instanceof ApiError && save.error.details.length > 0 ? (
            <List size="sm">
              {save.error.details.map((d) => (
                <List.Item key={`${d.path}|${d.message}`}>
                  {d.path}: {d.message}
                </List.Item>
              ))}
            </List>
          ) : null}
        </Alert>
      ) : null}

      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <TextInput
          label="Name"
          value={draft.metadata.name}
          disabled={!isNew || readOnly}
          onChange={(e) => update({ ...draft, metadata: { ...draft.metadata, name: e.currentTarget.value } })}
        />
        <TextInput label="Description" value={annotation(DESCRIPTION_ANNOTATION)} disabled={readOnly} onChange={(e) => update(setAnnotation(draft, DESCRIPTION_ANNOTATION, e.currentTarget.value))} />
        <TextInput label="Version" value={annotation(VERSION_ANNOTATION)} disabled={readOnly} onChange={(e) => update(setAnnotation(draft, VERSION_ANNOTATION, e.currentTarget.value))} />
        <TextInput label="Timeout" placeholder="24h" value={spec.timeout ?? ''} disabled={readOnly} onChange={(e) => updateSpec(setSpecField(spec, 'timeout', e.currentTarget.value))} />
        {HOOK_SLOTS.map((slot) => (
          <Select
            key={slot}
            label={`${FLOW_HOOK_LABELS[slot]} hook`}
            placeholder="None"
            data={workflowNames}
            value={spec.hooks?.[slot] ?? null}
            onChange={(v) => updateSpec(setFlowHook(spec, slot, v ?? undefined))}
            clearable
            searchable
            disabled={readOnly}
          />
        ))}
      </SimpleGrid>

      <Tabs defaultValue="chart" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="chart">Chart</Tabs.Tab>
          <Tabs.Tab value="yaml">YAML</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="chart" pt="sm">
          {spec.triggerEnvironment ? (
            <Grid>
              <Grid.Col span={{ base: 12, md: selected ? 8 : 12 }}>
                <FlowChart
                  spec={spec}
                  check={check}
                  allEnvironments={environmentNames}
                  readOnly={readOnly}
                  selected={selected}
                  onSelect={(env) => setSelected((s) => (s === env ? undefined : env))}
                  onAdd={(parent, env) => {
                    updateSpec(addStep(spec, parent, env));
                    setSelected(env);
                  }}
                />
              </Grid.Col>
              {selected ? (
                <Grid.Col span={{ base: 12, md: 4 }}>
                  <Paper withBorder p="md" aria-label={`Settings of ${selected}`} component="section">
                    <StepPanel
                      key={selected}
                      spec={spec}
                      environment={selected}
                      allEnvironments={environmentNames}
                      workflows={workflowNames}
                      problems={check.byEnvironment.get(selected) ?? []}
                      readOnly={readOnly}
                      onChange={(next) => {
                        updateSpec(next);
                        if (selected === spec.triggerEnvironment && next.triggerEnvironment !== spec.triggerEnvironment) setSelected(next.triggerEnvironment);
                      }}
                      onRemoved={() => setSelected(undefined)}
                    />
                  </Paper>
                </Grid.Col>
              ) : null}
            </Grid>
          ) : (
            <Paper withBorder p="xl">
              <Center>
                <Select
                  w={320}
                  label="Trigger environment"
                  description="Where the flow starts: a new commit here can start it"
                  placeholder="Choose an environment"
                  data={environmentNames}
                  searchable
                  disabled={readOnly}
                  onChange={(env) => env && updateSpec(setTriggerEnvironment(spec, env))}
                />
              </Center>
            </Paper>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="yaml" pt="sm">
          <YamlTab flow={draft} readOnly={readOnly} onChange={update} />
        </Tabs.Panel>
      </Tabs>

      {check.problems.length > 0 ? (
        <Paper withBorder p="md" component="section" aria-label="Problems">
          <Title order={3} size="h5" mb="xs">
            Problems ({check.problems.length})
          </Title>
          <List size="sm" spacing={4}>
            {check.problems.map((p) => (
              <List.Item key={`${p.path}|${p.message}`} c={p.severity === 'error' ? 'red' : 'yellow.8'}>
                {p.severity === 'warning' ? 'warning: ' : ''}
                {p.path ? `${p.path}: ` : ''}
                {p.message}
              </List.Item>
            ))}
          </List>
        </Paper>
      ) : null}

      <TriggerFlowModal flow={triggering ? editing.base : undefined} onClose={() => setTriggering(false)} />
    </Stack>
  );
}
