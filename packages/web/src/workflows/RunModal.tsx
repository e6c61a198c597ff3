import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import type { WorkflowTemplate } from '@stagecoach/core';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiErrorAlert } from '../promote/ApiErrorAlert.tsx';
import { startWorkflowRun } from './api.ts';
import { declaredParameters, initialParameterValues, missingParameters } from './model.ts';

/**
 * The parameters form of a run: one field per declared parameter, prefilled with its default.
 * Starting the run opens its page.
 */
export function RunModal({ template, opened, onClose }: { template: WorkflowTemplate; opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const declared = declaredParameters(template);
  const [values, setValues] = useState(() => initialParameterValues(declared));
  const start = useMutation({
    mutationFn: () => startWorkflowRun(template.metadata.name, values),
    onSuccess: (run) => void navigate({ to: '/workflow-runs/$id', params: { id: run.id } }),
  });
  const missing = missingParameters(declared, values);
  return (
    <Modal opened={opened} onClose={onClose} title={`Run ${template.metadata.name}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (missing.length === 0) start.mutate();
        }}
      >
        <Stack gap="sm">
          {declared.length === 0 ? <Text c="dimmed">This template declares no parameters.</Text> : null}
          {declared.map((parameter) => (
            <TextInput
              key={parameter.name}
              label={parameter.name}
              description={parameter.default === undefined ? 'Required: no default' : `Default: ${parameter.default === '' ? '(empty)' : parameter.default}`}
              required={parameter.default === undefined}
              value={values[parameter.name] ?? ''}
              onChange={(event) => {
                const value = event.currentTarget.value;
                setValues((before) => ({ ...before, [parameter.name]: value }));
              }}
            />
          ))}
          {start.isError ? <ApiErrorAlert title="The run did not start" error={start.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={start.isPending} disabled={missing.length > 0} title={missing.length > 0 ? `Fill in ${missing.join(', ')}` : undefined}>
              Start run
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
