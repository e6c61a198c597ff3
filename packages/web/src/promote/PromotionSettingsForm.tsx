import { Input, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import type { Action } from '@stagecoach/core';
import type { PreviewPolicy } from './api.ts';
import {
  ACTION_CHOICES,
  actionDescription,
  describeSource,
  describeWorkflow,
  removedHere,
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

/**
 * The action and the pre- and post-action workflows, each saying which policy supplied it. A
 * workflow select can be cleared: then no workflow runs there, even one a policy sets.
 */
export function PromotionSettingsForm({ policy, settings, workflows, onChange, disabled }: Props) {
  const resolved = settingsFromPolicy(policy);

  function workflowSelect(slot: 'preAction' | 'postAction', label: string) {
    const value = settings[slot];
    // A workflow the policy names stays choosable even if it has since been deleted.
    const data = value !== null && !workflows.includes(value) ? [value, ...workflows] : [...workflows];
    return (
      <Select
        label={label}
        description={describeWorkflow(policy, settings, slot)}
        placeholder={removedHere(policy, settings, slot) ? 'none (removed here)' : 'none'}
        data={data}
        value={value}
        clearable
        // Named and not hidden, so the way to remove a workflow is found by assistive technology too.
        clearButtonProps={{ 'aria-label': `Remove the ${label.toLowerCase()}`, 'aria-hidden': false }}
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
