import { Button, Drawer, Fieldset, Group, MultiSelect, NumberInput, Radio, Select, Stack, Text, TextInput } from '@mantine/core';
import type { EnvironmentKind, PromotionPolicy } from '@stagecoach/core';
import { fieldError, OtherProblems } from '../catalog/FieldProblems.tsx';
import { ACTIONS, newPolicyValues, policyFieldPaths, policyFromValues, policyValues, type PolicyValues } from './policies.ts';
import { useResourceForm } from '../catalog/useResourceForm.ts';

/** The names the form offers in its selects. */
export interface PolicyChoices {
  products: readonly string[];
  environments: readonly string[];
  workflows: readonly string[];
}

export interface PolicyFormProps {
  opened: boolean;
  /** The policy being edited; undefined to create one. */
  editing: PromotionPolicy | undefined;
  existing: readonly PromotionPolicy[];
  choices: PolicyChoices;
  onClose: () => void;
  onSaved: (name: string) => void;
}

const notSet = '';

/** A select's options: the known names, plus the current value when it names something unknown. */
function options(names: readonly string[], current: readonly string[]): string[] {
  return [...new Set([...names, ...current.filter((c) => c !== '')])];
}

/** Create or edit a promotion policy in a side drawer; the server's problems show under their fields. */
export function PolicyForm({ opened, editing, existing, choices, onClose, onSaved }: PolicyFormProps) {
  const { values, setValues, save, problems } = useResourceForm({
    plural: 'promotion-policies',
    opened,
    editing,
    fresh: () => newPolicyValues(existing),
    valuesOf: policyValues,
    toResource: policyFromValues,
    fieldPaths: policyFieldPaths,
    onSaved,
  });
  const set = (change: Partial<PolicyValues>) => setValues((v) => ({ ...v, ...change }));
  const settingsError = fieldError(problems.byField.settings);
  const selectorError = fieldError(problems.byField.selector);

  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="lg" title={editing ? `Edit policy ${editing.metadata.name}` : 'Add policy'}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(values);
        }}
      >
        <Stack>
          <TextInput label="Name" required disabled={editing !== undefined} value={values.name} onChange={(e) => set({ name: e.currentTarget.value })} error={fieldError(problems.byField.name)} />
          <NumberInput
            label="Priority"
            description="Lower numbers win when several policies set the same field"
            required
            allowDecimal={false}
            value={values.priority}
            onChange={(priority) => set({ priority: typeof priority === 'number' ? priority : '' })}
            error={fieldError(problems.byField.priority)}
          />
          <Fieldset legend="Promotion settings">
            <Stack>
              <Select
                label="Pre-action workflow"
                placeholder="Not set"
                clearable
                searchable
                data={options(choices.workflows, [values.preAction])}
                value={values.preAction || null}
                onChange={(preAction) => set({ preAction: preAction ?? '' })}
                error={fieldError(problems.byField.preAction)}
              />
              <Radio.Group label="Action" value={values.action} onChange={(action) => set({ action: action as PolicyValues['action'] })} error={fieldError(problems.byField.action)}>
                <Stack gap="xs" mt="xs">
                  {ACTIONS.map((action) => (
                    <Radio key={action.value} value={action.value} label={action.label} description={action.description} />
                  ))}
                  <Radio value={notSet} label="Not set" description="Left to policies of higher numbers, or the default (commit)" />
                </Stack>
              </Radio.Group>
              <Select
                label="Post-action workflow"
                placeholder="Not set"
                clearable
                searchable
                data={options(choices.workflows, [values.postAction])}
                value={values.postAction || null}
                onChange={(postAction) => set({ postAction: postAction ?? '' })}
                error={fieldError(problems.byField.postAction)}
              />
              {settingsError ? (
                <Text size="sm" c="red">
                  {settingsError}
                </Text>
              ) : null}
            </Stack>
          </Fieldset>
          <Fieldset legend="Applies to">
            <Stack>
              <MultiSelect
                label="Products"
                placeholder={values.products.length === 0 ? 'Any product' : undefined}
                searchable
                data={options(choices.products, values.products)}
                value={values.products}
                onChange={(products) => set({ products })}
                error={fieldError(problems.byField.products)}
              />
              <MultiSelect
                label="Environment kinds"
                placeholder={values.environmentKinds.length === 0 ? 'Any kind' : undefined}
                data={['production', 'non-production']}
                value={values.environmentKinds}
                onChange={(kinds) => set({ environmentKinds: kinds as EnvironmentKind[] })}
                error={fieldError(problems.byField.environmentKinds)}
              />
              <MultiSelect
                label="Environments"
                placeholder={values.environmentNames.length === 0 ? 'Any environment' : undefined}
                searchable
                data={options(choices.environments, values.environmentNames)}
                value={values.environmentNames}
                onChange={(environmentNames) => set({ environmentNames })}
                error={fieldError(problems.byField.environmentNames)}
              />
              <Text size="xs" c="dimmed">
                Every criterion given must match; an empty one matches everything.
              </Text>
              {selectorError ? (
                <Text size="sm" c="red">
                  {selectorError}
                </Text>
              ) : null}
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
    </Drawer>
  );
}
