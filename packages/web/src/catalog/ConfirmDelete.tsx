import { Alert, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { referrers } from './resourceApi.ts';

export interface ConfirmDeleteProps {
  /** What is deleted, as the title says it: `environment "perf"`; no dialog when undefined. */
  what: string | undefined;
  onConfirm: () => Promise<unknown>;
  /** Called after the delete succeeded, and when the dialog is dismissed. */
  onClose: () => void;
}

/**
 * Asks before deleting. A refusal stays in the dialog: for `409 in_use`, the resources that
 * still refer to the one being deleted.
 */
export function ConfirmDelete({ what, onConfirm, onClose }: ConfirmDeleteProps) {
  const remove = useMutation({ mutationFn: onConfirm, onSuccess: onClose });
  const close = () => {
    remove.reset();
    onClose();
  };
  const users = referrers(remove.error);
  return (
    <Modal opened={what !== undefined} onClose={close} title={`Delete ${what ?? ''}?`}>
      <Stack>
        <Text size="sm">This cannot be undone.</Text>
        {remove.isError ? (
          <Alert color="red" title="Not deleted" role="alert">
            <Text size="sm">{remove.error.message}</Text>
            {users.length > 0 ? (
              <>
                <Text size="sm" mt="xs">
                  Still used by:
                </Text>
                <List size="sm" aria-label="Used by">
                  {users.map((user) => (
                    <List.Item key={user}>{user}</List.Item>
                  ))}
                </List>
              </>
            ) : null}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
