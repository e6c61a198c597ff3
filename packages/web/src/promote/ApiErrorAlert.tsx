import { Alert, List, Text } from '@mantine/core';
import { ApiError } from '../api.ts';

/** A failed call: the server's message and every problem it listed. */
export function ApiErrorAlert({ title, error }: { title: string; error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ApiError ? error.details : [];
  return (
    <Alert color="red" title={title} role="alert">
      <Text size="sm">{message}</Text>
      {details.length > 0 ? (
        <List size="sm" mt="xs">
          {details.map((detail, index) => (
            <List.Item key={index}>
              {detail.path !== '' ? (
                <Text span ff="monospace" size="sm">
                  {detail.path}:{' '}
                </Text>
              ) : null}
              {detail.message}
            </List.Item>
          ))}
        </List>
      ) : null}
    </Alert>
  );
}
