import { Alert, Anchor, Group, Loader, Stack, Text, Textarea, Title } from '@mantine/core';
import type { WorkflowTemplate } from '@stagecoach/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { coalesce } from '../live/events.ts';
import { useEvents } from '../live/useEvents.ts';
import { ApiErrorAlert } from '../promote/ApiErrorAlert.tsx';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { GuardedButton } from '../shell/GuardedButton.tsx';
import { getWorkflowTemplate, listWorkflowRuns, saveWorkflowTemplate, workflowKeys } from './api.ts';
import { templateDescription, templateSkeleton } from './model.ts';
import { RunModal } from './RunModal.tsx';
import { RunsTable } from './WorkflowsPage.tsx';
import { readOneDocument, toYaml } from './yaml.ts';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One workflow template: its YAML to edit and save, a Run button, and its latest runs. `new` creates one. */
export function WorkflowTemplatePage() {
  const { name = 'new' } = useParams({ strict: false }) as { name?: string };
  const isNew = name === 'new';
  const template = useQuery({
    queryKey: workflowKeys.template(name),
    queryFn: ({ signal }) => getWorkflowTemplate(name, signal),
    enabled: !isNew,
  });

  if (!isNew && template.isError) {
    return (
      <Alert color="red" title={`Could not load workflow template "${name}"`}>
        {errorText(template.error)}
      </Alert>
    );
  }
  if (!isNew && template.data === undefined) return <Loader size="sm" />;
  const loaded = isNew ? undefined : template.data;
  // A new version from the server restarts the editor from it.
  return <TemplateEditor key={`${name}@${loaded?.metadata.resourceVersion ?? ''}`} template={loaded} />;
}

function TemplateEditor({ template }: { template: WorkflowTemplate | undefined }) {
  const abilities = useAbilities();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isNew = template === undefined;
  const [text, setText] = useState(() => toYaml(template ?? templateSkeleton()));
  const [syntax, setSyntax] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: (value: WorkflowTemplate) => saveWorkflowTemplate(value, isNew),
    onSuccess: async (_report, value) => {
      setSaved(true);
      await queryClient.invalidateQueries({ queryKey: workflowKeys.templates });
      if (isNew) void navigate({ to: '/workflows/$name', params: { name: value.metadata.name } });
    },
  });
  const onSave = () => {
    setSaved(false);
    const read = readOneDocument(text);
    if (!read.ok) {
      setSyntax(read.message);
      return;
    }
    setSyntax(null);
    save.mutate(read.value as unknown as WorkflowTemplate);
  };
  const dirty = template !== undefined && text !== toYaml(template);

  return (
    <Stack gap="md">
      <Anchor renderRoot={(props) => <Link {...props} to="/workflows" />} size="sm">
        ← Workflows
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>{template ? template.metadata.name : 'New workflow template'}</Title>
          {template ? <Text c="dimmed">{templateDescription(template)}</Text> : null}
        </div>
        <Group gap="sm">
          {template ? (
            <GuardedButton
              variant="filled"
              color="green"
              deniedReason={deniedReason(abilities, abilities.operate, 'start workflow runs')}
              disabled={dirty}
              onClick={() => setRunning(true)}
            >
              Run
            </GuardedButton>
          ) : null}
          <GuardedButton
            deniedReason={deniedReason(abilities, abilities.write.WorkflowTemplate, 'change workflow templates')}
            loading={save.isPending}
            onClick={onSave}
          >
            Save
          </GuardedButton>
        </Group>
      </Group>
      {dirty ? (
        <Text size="sm" c="dimmed">
          Unsaved changes: save them before running.
        </Text>
      ) : null}
      {syntax !== null ? (
        <Alert color="red" title="The YAML cannot be read" role="alert">
          {syntax}
        </Alert>
      ) : null}
      {save.isError ? <ApiErrorAlert title="The template was not saved" error={save.error} /> : null}
      {saved && !save.isError ? (
        <Alert color="green" title="Saved">
          The server accepted the template.
        </Alert>
      ) : null}
      <Textarea
        label="Template YAML"
        description="An Argo Workflows WorkflowTemplate; the server checks it when you save."
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        rows={24}
        resize="vertical"
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
      />
      {template ? (
        <>
          <Title order={3}>Latest runs</Title>
          <TemplateRuns name={template.metadata.name} />
          {running ? <RunModal template={template} opened onClose={() => setRunning(false)} /> : null}
        </>
      ) : null}
    </Stack>
  );
}

function TemplateRuns({ name }: { name: string }) {
  const filter = { template: name, limit: 10 };
  const runs = useQuery({ queryKey: workflowKeys.runList(filter), queryFn: ({ signal }) => listWorkflowRuns(filter, signal) });
  // Live: a run of this template started or changed phase (events of other templates are ignored).
  const queryClient = useQueryClient();
  const reload = useMemo(() => coalesce(() => queryClient.invalidateQueries({ queryKey: workflowKeys.runList({ template: name, limit: 10 }) })), [queryClient, name]);
  useEvents({ types: ['workflow-node'] }, (event) => {
    if (event.data['template'] === name) reload();
  }, { onOpen: reload });
  if (runs.isError) return <Alert color="red" title="Could not load the runs">{errorText(runs.error)}</Alert>;
  if (runs.data === undefined) return <Loader size="sm" />;
  if (runs.data.length === 0) return <Text c="dimmed">No run yet.</Text>;
  return <RunsTable runs={runs.data} />;
}
