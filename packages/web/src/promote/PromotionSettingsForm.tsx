import { Input, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import type { Action } from '@stagecoach/core';
import type { PreviewPolicy } from './api.ts';
import {
  ACTION_CHOICES,
  actionDescription,
  canClearWorkflow,
  describeSource,
  settingsFromPolicy,
  type PromotionSettings,
} from './settings.ts';

interface Props {
  policy: PreviewPolicy;
  settings: PromotionSettings;
  workflows: readonly string[];
  onChange: (settings: PromotionSettings) => void;
  disabled: boolean;
}

function isAction(value: string): value is Action {
  return ACTION_CHOICES.some((choice) => choice.value === value);
}

/** The action and the pre- and post-action workflows, each saying which policy supplied it. */
export function PromotionSettingsForm({ policy, settings, workflows, onChange, disabled }: Props) {
  const resolved = settingsFromPolicy(policy);

  function workflowSelect(slot: 'preAction' | 'postAction', label: string) {
    const value = settings[slot];
    const clearable = canClearWorkflow(policy, slot);
    // A workflow the policy names stays choosable even if it has since been deleted.
    const data = value !== null && !workflows.includes(value) ? [value, ...workflows] : [...workflows];
    return (
      <Select
        label={label}
        description={
          describeSource(policy.fields[slot]?.source, value !== resolved[slot]) +
          (clearable ? '' : ' · a workflow set by a policy can be replaced, not removed')
        }
        placeholder="none"
        data={data}
        value={value}
        clearable={clearable}
        allowDeselect={clearable}
        searchable
        disabled={disabled}
        onChange={(next) => onChange({ ...settings, [slot]: next })}
      />
    );
  }

  return (
    <Stack gap="md">
      <Input.Wrapper
        label="Action"
        description={describeSource(policy.fields.action.source, settings.action !== resolved.action)}
      >
        <SegmentedControl
          mt={4}
          fullWidth
          data={ACTION_CHOICES.map((choice) => ({ ...choice }))}
          value={settings.action}
          disabled={disabled}
          onChange={(next) => {
            if (isAction(next)) onChange({ ...settings, action: next });
          }}
        />
        <Text size="xs" c="dimmed" mt={4}>
          {actionDescription(settings.action)}
        </Text>
      </Input.Wrapper>
      {workflowSelect('preAction', 'Pre-action workflow')}
      {workflowSelect('postAction', 'Post-action workflow')}
    </Stack>
  );
}
