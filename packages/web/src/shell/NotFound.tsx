import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';

/** Shown for an address that is no page of the app. */
export function NotFound() {
  return (
    <Stack gap="xs">
      <Title order={2}>Page not found</Title>
      <Text c="dimmed">
        Nothing lives at this address.{' '}
        <Anchor renderRoot={(props) => <Link {...props} to="/" />}>
          Back to the environments
        </Anchor>
      </Text>
    </Stack>
  );
}
