import { ActionIcon, Button, Fieldset, Group, Modal, NumberInput, Radio, Stack, Text, TextInput } from '@mantine/core';
import type { Environment } from '../resources.ts';
import { fieldError, OtherProblems } from './FieldProblems.tsx';
import { environmentFieldPaths, environmentFromValues, environmentValues, newEnvironmentValues, type DestinationValues, type EnvironmentValues } from './environments.ts';
import { useResourceForm } from './useResourceForm.ts';

export interface EnvironmentFormProps {
  opened: boolean;
  /** The environment being edited; undefined to create one. */
  editing: Environment | undefined;
  /** Every stored environment, to suggest the next order. */
  existing: readonly Environment[];
  onClose: () => void;
  onSaved: (name: string) => void;
}

/** Create or edit an environment: name, kind, order and Argo CD destinations. */
export function EnvironmentForm({ opened, editing, existing, onClose, onSaved }: EnvironmentFormProps) {
  const { values, setValues, save, problems } = useResourceForm({
    plural: 'environments',
    opened,
    editing,
    fresh: () => newEnvironmentValues(existing),
    valuesOf: environmentValues,
    toResource: environmentFromValues,
    fieldPaths: environmentFieldPaths,
    onSaved,
  });
  const setDestination = (index: number, change: Partial<DestinationValues>) =>
    setValues((v) => ({ ...v, destinations: v.destinations.map((d, i) => (i === index ? { ...d, ...change } : d)) }));

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit environment ${editing.metadata.name}` : 'Add environment'} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(values);
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            required
            disabled={editing !== undefined}
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.currentTarget.value })}
            error={fieldError(problems.byField.name)}
          />
          <Radio.Group label="Kind" value={values.kind} onChange={(kind) => setValues({ ...values, kind: kind === 'production' ? 'production' : 'non-production' })} error={fieldError(problems.byField.kind)}>
            <Group mt="xs">
              <Radio value="non-production" label="Non-production" />
              <Radio value="production" label="Production" />
            </Group>
          </Radio.Group>
          <NumberInput
            label="Order"
            description="Column position on the dashboard, ascending"
            allowDecimal={false}
            value={values.order}
            onChange={(order) => setValues({ ...values, order: typeof order === 'number' ? order : order === '' ? '' : Number.parseInt(order, 10) || '' })}
            error={fieldError(problems.byField.order)}
          />
          <Fieldset legend="Argo CD destinations">
            <Stack gap="xs">
              {values.destinations.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None: applications name their own destination.
                </Text>
              ) : null}
              {values.destinations.map((destination, index) => (
                <Group key={index} align="flex-end" wrap="nowrap">
                  <TextInput label="Cluster server" placeholder="https://kubernetes.default.svc" value={destination.server} onChange={(e) => setDestination(index, { server: e.currentTarget.value })} style={{ flex: 2 }} />
                  <TextInput label="Cluster name" value={destination.name} onChange={(e) => setDestination(index, { name: e.currentTarget.value })} style={{ flex: 1 }} />
                  <TextInput label="Namespaces" placeholder="all" value={destination.namespaces} onChange={(e) => setDestination(index, { namespaces: e.currentTarget.value })} style={{ flex: 1 }} />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={`Remove destination ${index + 1}`}
                    onClick={() => setValues({ ...values, destinations: values.destinations.filter((_, i) => i !== index) })}
                  >
                    ×
                  </ActionIcon>
                </Group>
              ))}
              {problems.byField.destinations ? (
                <Text size="sm" c="red">
                  {fieldError(problems.byField.destinations)}
                </Text>
              ) : null}
              <Group>
                <Button variant="light" size="xs" onClick={() => setValues({ ...values, destinations: [...values.destinations, { server: '', name: '', namespaces: '' }] })}>
                  Add destination
                </Button>
              </Group>
            </Stack>
          </Fieldset>
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
