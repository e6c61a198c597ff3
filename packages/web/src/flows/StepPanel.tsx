import { Button, Group, List, Modal, MultiSelect, Radio, Select, Stack, Text, Title } from '@mantine/core';
import type { Action, Problem } from '@stagecoach/core';
import { useState } from 'react';
import {
  dependantsOf,
  downstreamOf,
  HOOK_SLOTS,
  removeStep,
  setDependsOn,
  setSpecField,
  setStepHook,
  setStepPolicy,
  setTriggerEnvironment,
  stepWaitsFor,
  type FlowSpec,
  type RemoveMode,
} from './model.ts';
import { ACTION_CHOICES, POLICY_SLOT_LABELS, STEP_HOOK_LABELS } from './slots.ts';

interface PanelProps {
  spec: FlowSpec;
  environment: string;
  allEnvironments: readonly string[];
  workflows: readonly string[];
  problems: readonly Problem[];
  readOnly: boolean;
  onChange: (spec: FlowSpec) => void;
  onRemoved: () => void;
}

function WorkflowSelect(props: { label: string; value: string | undefined; workflows: readonly string[]; placeholder: string; readOnly: boolean; onChange: (value: string | undefined) => void }) {
  const data = props.value && !props.workflows.includes(props.value) ? [...props.workflows, props.value] : [...props.workflows];
  return (
    <Select
      label={props.label}
      placeholder={props.placeholder}
      data={data}
      value={props.value ?? null}
      onChange={(v) => props.onChange(v ?? undefined)}
      clearable
      searchable
      disabled={props.readOnly}
    />
  );
}

/** The choice that means "no workflow here, whatever the policies set"; never a workflow name (those are DNS labels). */
const NO_WORKFLOW = '(none)';

/**
 * A step's pre- or post-action slot: empty comes from the policies, a workflow replaces theirs,
 * and "None" (stored as null) runs no workflow even where a policy sets one.
 */
function PolicyWorkflowSelect(props: { label: string; value: string | null | undefined; workflows: readonly string[]; readOnly: boolean; onChange: (value: string | null | undefined) => void }) {
  const named = props.value ?? undefined;
  const workflows = named && !props.workflows.includes(named) ? [...props.workflows, named] : [...props.workflows];
  return (
    <Select
      label={props.label}
      placeholder="From policies"
      data={[{ value: NO_WORKFLOW, label: 'None (even where a policy sets one)' }, ...workflows]}
      value={props.value === null ? NO_WORKFLOW : (named ?? null)}
      onChange={(v) => props.onChange(v === NO_WORKFLOW ? null : (v ?? undefined))}
      clearable
      clearButtonProps={{ 'aria-label': `Leave the ${props.label.toLowerCase()} to the policies`, 'aria-hidden': false }}
      searchable
      disabled={props.readOnly}
    />
  );
}

function RemoveDialog({ spec, environment, onClose, onRemove }: { spec: FlowSpec; environment: string; onClose: () => void; onRemove: (mode: RemoveMode) => void }) {
  const [mode, setMode] = useState<RemoveMode>('reconnect');
  const parents = stepWaitsFor(spec, environment);
  const downstream = downstreamOf(spec, environment);
  return (
    <Modal opened onClose={onClose} title={`Remove ${environment}`}>
      <Stack>
        <Text size="sm">Other environments wait for {environment}. What should happen to them?</Text>
        <Radio.Group value={mode} onChange={(v) => setMode(v as RemoveMode)} aria-label="What happens to the environments after it">
          <Stack gap="xs">
            <Radio value="reconnect" label={`Reconnect next environments to ${parents.join(', ') || 'nothing'}`} />
            <Radio value="downstream" label={`Remove all connected environments too: ${downstream.join(', ')}`} />
          </Stack>
        </Radio.Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={() => onRemove(mode)}>
            Remove
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The settings of one environment of the flow: what it waits for, its slots, its hooks, Remove. */
export function StepPanel(props: PanelProps) {
  const { spec, environment, readOnly, onChange } = props;
  const [removing, setRemoving] = useState(false);
  const isTrigger = environment === spec.triggerEnvironment;
  const step = spec.steps.find((s) => s.environment === environment);

  function remove(mode: RemoveMode) {
    setRemoving(false);
    onChange(removeStep(spec, environment, mode));
    props.onRemoved();
  }

  const problems = props.problems.length > 0 ? (
    <List size="sm" c="red" aria-label={`Problems of ${environment}`}>
      {props.problems.map((p) => (
        <List.Item key={`${p.path}|${p.message}`}>
          {p.path}: {p.message}
        </List.Item>
      ))}
    </List>
  ) : null;

  if (isTrigger) {
    const choices = props.allEnvironments.filter((e) => !spec.steps.some((s) => s.environment === e));
    return (
      <Stack gap="sm">
        <Title order={3} size="h4">
          {environment} (trigger environment)
        </Title>
        <Select label="Trigger environment" data={choices} value={environment} onChange={(v) => v && onChange(setTriggerEnvironment(spec, v))} searchable disabled={readOnly} allowDeselect={false} />
        <WorkflowSelect
          label="Trigger workflow"
          placeholder="None"
          value={spec.triggerWorkflow}
          workflows={props.workflows}
          readOnly={readOnly}
          onChange={(v) => onChange(setSpecField(spec, 'triggerWorkflow', v))}
        />
        {problems}
      </Stack>
    );
  }
  if (!step) return null;

  // A step may wait for the trigger and any other step, except itself and the steps after it (a cycle).
  const after = new Set(downstreamOf(spec, environment));
  const dependencyChoices = [spec.triggerEnvironment, ...spec.steps.map((s) => s.environment)].filter((e) => e !== environment && !after.has(e));
  const waitsFor = stepWaitsFor(spec, environment);

  return (
    <Stack gap="sm">
      <Title order={3} size="h4">
        {environment}
      </Title>
      <MultiSelect
        label={`Depends on (${waitsFor.length})`}
        description="Starts when all of these succeeded"
        data={[...new Set([...dependencyChoices, ...waitsFor])]}
        value={[...waitsFor]}
        onChange={(values) => onChange(setDependsOn(spec, environment, values))}
        searchable
        disabled={readOnly}
      />
      {(['preAction', 'action', 'postAction'] as const).map((slot) =>
        slot === 'action' ? (
          <Select
            key={slot}
            label={POLICY_SLOT_LABELS[slot]}
            data={ACTION_CHOICES}
            value={step.policy?.action ?? ''}
            onChange={(v) => onChange(setStepPolicy(spec, environment, 'action', (v || undefined) as Action | undefined))}
            allowDeselect={false}
            disabled={readOnly}
          />
        ) : (
          <PolicyWorkflowSelect
            key={slot}
            label={POLICY_SLOT_LABELS[slot]}
            value={step.policy?.[slot]}
            workflows={props.workflows}
            readOnly={readOnly}
            onChange={(v) => onChange(setStepPolicy(spec, environment, slot, v))}
          />
        ),
      )}
      <Text size="sm" fw={500}>
        Hooks
      </Text>
      {HOOK_SLOTS.map((slot) => (
        <WorkflowSelect
          key={slot}
          label={STEP_HOOK_LABELS[slot]}
          placeholder="None"
          value={step.hooks?.[slot]}
          workflows={props.workflows}
          readOnly={readOnly}
          onChange={(v) => onChange(setStepHook(spec, environment, slot, v))}
        />
      ))}
      {problems}
      <Button
        color="red"
        variant="light"
        disabled={readOnly}
        onClick={() => (dependantsOf(spec, environment).length === 0 ? remove('reconnect') : setRemoving(true))}
      >
        Remove {environment}
      </Button>
      {removing ? <RemoveDialog spec={spec} environment={environment} onClose={() => setRemoving(false)} onRemove={remove} /> : null}
    </Stack>
  );
}
