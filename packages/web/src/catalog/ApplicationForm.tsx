import { Button, Group, Modal, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import type { ChangeEvent } from 'react';
import type { Application } from '../resources.ts';
import { applicationFieldPaths, applicationFromValues, applicationValues, newApplicationValues, parseLabels, type ApplicationFilter, type ApplicationValues } from './applications.ts';
import { fieldError, OtherProblems } from './FieldProblems.tsx';
import { useResourceForm } from './useResourceForm.ts';

export interface ApplicationFormProps {
  opened: boolean;
  /** The application being edited; undefined to create one. */
  editing: Application | undefined;
  /** Product and environment a new application starts with (the list's filters). */
  defaults: ApplicationFilter;
  products: readonly string[];
  /** Environment names in dashboard order. */
  environments: readonly string[];
  onClose: () => void;
  onSaved: (name: string) => void;
}

/** Create or edit an application: where it belongs, its Git source, its Argo CD side and labels. */
export function ApplicationForm({ opened, editing, defaults, products, environments, onClose, onSaved }: ApplicationFormProps) {
  const { values, setValues, save, problems } = useResourceForm({
    plural: 'applications',
    opened,
    editing,
    fresh: () => newApplicationValues(defaults),
    valuesOf: applicationValues,
    toResource: applicationFromValues,
    fieldPaths: applicationFieldPaths,
    onSaved,
  });
  const invalidLabels = parseLabels(values.labels).invalid;
  const set = (change: Partial<ApplicationValues>) => setValues((v) => ({ ...v, ...change }));
  const text = (field: keyof ApplicationValues) => ({
    value: values[field],
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set({ [field]: e.currentTarget.value }),
    error: fieldError(problems.byField[field]),
  });

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit application ${editing.metadata.name}` : 'Add application'} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (invalidLabels.length === 0) save.mutate(values);
        }}
      >
        <Stack>
          <TextInput label="Name" required disabled={editing !== undefined} {...text('name')} />
          <SimpleGrid cols={2}>
            <Select label="Product" required searchable data={[...products]} value={values.product || null} onChange={(product) => set({ product: product ?? '' })} error={fieldError(problems.byField.product)} />
            <Select label="Environment" required data={[...environments]} value={values.environment || null} onChange={(environment) => set({ environment: environment ?? '' })} error={fieldError(problems.byField.environment)} />
          </SimpleGrid>
          <TextInput label="Repository URL" required placeholder="https://git.example/org/app.git" {...text('repoURL')} />
          <SimpleGrid cols={2}>
            <TextInput label="Branch" placeholder="HEAD" description="Promotions commit here" {...text('targetRevision')} />
            <TextInput label="Path" required placeholder="envs/dev" description="Folder in the repository" {...text('path')} />
          </SimpleGrid>
          <SimpleGrid cols={2}>
            <TextInput label="Destination namespace" {...text('namespace')} />
            <TextInput label="Argo CD application" description="Its name in Argo CD, when it is one" {...text('argocdName')} />
          </SimpleGrid>
          <Textarea
            label="Labels"
            description="key=value, one a line"
            rows={3}
            {...text('labels')}
            error={invalidLabels.length > 0 ? `Not key=value: ${invalidLabels.join(', ')}` : fieldError(problems.byField.labels)}
          />
          <OtherProblems title="Not saved" problems={problems.other} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {editing ? 'Save' : 'Add'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
