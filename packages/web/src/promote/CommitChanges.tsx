import {
  Alert,
  Button,
  Center,
  Grid,
  Group,
  List,
  Loader,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { listApplications } from '../api.ts';
import { dashboardQueryKeys } from '../dashboard/Dashboard.tsx';
import { deniedReason, useAbilities } from '../shell/abilities.tsx';
import { ApiErrorAlert } from './ApiErrorAlert.tsx';
import {
  listWorkflowTemplateNames,
  previewPromotion,
  promote,
  type CreatedRelease,
  type PromotionPreview,
  type PromotionTarget,
} from './api.ts';
import { ChangeSetFiles } from './ChangeSetFiles.tsx';
import { FileDiff } from './FileDiff.tsx';
import { PromotionSettingsForm } from './PromotionSettingsForm.tsx';
import { commitMessagePreview, promotionOverrides, settingsFromPolicy, type PromotionSettings } from './settings.ts';

/** Query keys of what the Commit Changes page reads. */
export const promoteQueryKeys = {
  preview: (target: PromotionTarget) => ['promotion-preview', target] as const,
  workflowTemplates: ['workflow-templates', 'names'] as const,
};

interface Props {
  target: PromotionTarget;
  onCancel: () => void;
  onPromoted: (release: CreatedRelease) => void;
  /** Another source application was chosen (undefined: let the server pick the only one). */
  onChooseApplication?: (application: string | undefined) => void;
}

/**
 * The product's applications in the source environment, to choose the one whose values are
 * promoted; shown only when there are several (with one, the server takes it).
 */
function SourceApplicationPicker({ target, onChoose }: { target: PromotionTarget; onChoose: (application: string | undefined) => void }) {
  const applications = useQuery({ queryKey: dashboardQueryKeys.applications, queryFn: ({ signal }) => listApplications(signal) });
  const names = (applications.data ?? [])
    .filter((application) => application.spec.product === target.product && application.spec.environment === target.from)
    .map((application) => application.metadata.name)
    .sort();
  if (names.length < 2) return null;
  return (
    <Select
      label="Source application"
      description={`${target.product} has ${names.length} applications in ${target.from}; the chosen one's values are promoted`}
      placeholder="Choose one"
      data={names}
      value={target.application ?? null}
      onChange={(application) => onChoose(application ?? undefined)}
      maw={420}
      allowDeselect={false}
    />
  );
}

/** The Commit Changes screen of one manual promotion: preview, settings, diff, Promote. */
export function CommitChanges({ target, onCancel, onPromoted, onChooseApplication }: Props) {
  const preview = useQuery({
    queryKey: promoteQueryKeys.preview(target),
    queryFn: ({ signal }) => previewPromotion(target, signal),
    staleTime: 0,
  });
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Commit Changes</Title>
        <Text c="dimmed">
          Promote <b>{target.product}</b> from <b>{target.from}</b> to <b>{target.to}</b>
          {target.application !== undefined ? ` (source application ${target.application})` : ''}
        </Text>
      </div>
      {onChooseApplication !== undefined ? <SourceApplicationPicker target={target} onChoose={onChooseApplication} /> : null}
      {preview.isError ? (
        <Stack align="flex-start">
          <ApiErrorAlert title="Could not preview this promotion" error={preview.error} />
          <Group>
            <Button variant="default" onClick={onCancel}>
              Back to the dashboard
            </Button>
            <Button variant="light" onClick={() => void preview.refetch()}>
              Try again
            </Button>
          </Group>
        </Stack>
      ) : preview.data === undefined ? (
        <Center py="xl">
          <Group gap="sm">
            <Loader size="sm" />
            <Text c="dimmed">Reading both environments from Git…</Text>
          </Group>
        </Center>
      ) : (
        <PreviewForm key={JSON.stringify(target)} target={target} preview={preview.data} onCancel={onCancel} onPromoted={onPromoted} />
      )}
    </Stack>
  );
}

function PreviewForm({ target, preview, onCancel, onPromoted }: Props & { preview: PromotionPreview }) {
  const abilities = useAbilities();
  const denied = deniedReason(abilities, abilities.operate, 'promote');
  const workflows = useQuery({
    queryKey: promoteQueryKeys.workflowTemplates,
    queryFn: ({ signal }) => listWorkflowTemplateNames(signal),
  });
  const [settings, setSettings] = useState<PromotionSettings>(() => settingsFromPolicy(preview.policy));
  const [compact, setCompact] = useState(true);
  const mutation = useMutation({
    mutationFn: () => promote(target, promotionOverrides(preview.policy, settings)),
    onSuccess: onPromoted,
  });

  const everyNoChange = preview.changeSets.every((changeSet) => changeSet.noChange);
  const files = preview.changeSets.flatMap((changeSet) => changeSet.files.map((file) => ({ application: changeSet.application, file })));
  

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Stack gap="lg">
          <Paper withBorder p="md" component="section" aria-label="Promotion settings">
            <Title order={3} size="h4" mb="sm">
              Promotion settings
            </Title>
            <PromotionSettingsForm
              policy={preview.policy}
              settings={settings}
              workflows={workflows.data ?? []}
              onChange={setSettings}
              disabled={denied !== undefined || mutation.isPending}
            />
            {workflows.isError ? (
              <Text size="xs" c="red" mt="xs">
                The workflow list could not be read: {workflows.error.message}
              </Text>
            ) : null}
            {preview.policy.warnings.length > 0 ? (
              <List size="xs" c="dimmed" mt="sm">
                {preview.policy.warnings.map((warning, index) => (
                  <List.Item key={index}>{warning.message}</List.Item>
                ))}
              </List>
            ) : null}
          </Paper>

          <Paper withBorder p="md" component="section" aria-label="Files">
            <Title order={3} size="h4" mb="sm">
              Files
            </Title>
            <Stack gap="md">
              {preview.changeSets.map((changeSet) => (
                <ChangeSetFiles key={changeSet.application} changeSet={changeSet} />
              ))}
            </Stack>
          </Paper>

          <Paper withBorder p="md" component="section" aria-label="Commit message">
            <Title order={3} size="h4" mb={4}>
              Commit message
            </Title>
            <Text size="xs" c="dimmed" mb="sm">
              Stagecoach writes the commit message itself (one per application, with the release,
              environment and application as trailers), so it cannot be edited here.
            </Text>
            <Stack gap="sm">
              {preview.changeSets
                .filter((changeSet) => !changeSet.noChange)
                .map((changeSet) => {
                  const message = commitMessagePreview(target.product, target.to, changeSet);
                  return (
                    <Stack key={changeSet.application} gap={4}>
                      <TextInput label="Title" value={message.title} readOnly />
                      <Textarea label="Description" value={message.body} readOnly rows={Math.min(8, Math.max(2, message.body.split('\n').length))} ff="monospace" />
                    </Stack>
                  );
                })}
            </Stack>
          </Paper>

          {mutation.isError ? <ApiErrorAlert title="The promotion was refused" error={mutation.error} /> : null}

          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Tooltip label={denied ?? ''} disabled={denied === undefined}>
              <Button onClick={() => mutation.mutate()} loading={mutation.isPending} disabled={denied !== undefined}>
                Promote
              </Button>
            </Tooltip>
          </Group>
          {denied !== undefined ? (
            <Text size="xs" c="dimmed" ta="right">
              {denied}
            </Text>
          ) : null}
        </Stack>
      </Grid.Col>

      <Grid.Col span={{ base: 12, md: 7 }}>
        <Paper withBorder p="md" component="section" aria-label="Diff">
          <Group justify="space-between" mb="sm">
            <Title order={3} size="h4">
              Diff
            </Title>
            <Switch label="Compact diff" checked={compact} onChange={(event) => setCompact(event.currentTarget.checked)} />
          </Group>
          {everyNoChange || files.length === 0 ? (
            <Alert color="gray" title="No change">
              {target.to} already holds the values of {target.from}; promoting makes no commit.
            </Alert>
          ) : (
            <Stack gap="md">
              {files.map(({ application, file }) => (
                <FileDiff key={`${application}/${file.path}`} application={application} file={file} full={!compact} />
              ))}
            </Stack>
          )}
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
