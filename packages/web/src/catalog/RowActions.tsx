import { Group } from '@mantine/core';
import { GuardedButton } from '../shell/GuardedButton.tsx';

/** A table row's Edit and Delete buttons for the resource `name`, disabled with `denied` when the role may not write. */
export function RowActions({ name, denied, onEdit, onDelete }: { name: string; denied: string | undefined; onEdit: () => void; onDelete: () => void }) {
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      <GuardedButton size="xs" variant="light" deniedReason={denied} aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </GuardedButton>
      <GuardedButton size="xs" variant="light" color="red" deniedReason={denied} aria-label={`Delete ${name}`} onClick={onDelete}>
        Delete
      </GuardedButton>
    </Group>
  );
}
