import { Alert, Button, Container, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';

export interface SignInProps {
  /** Called with the trimmed, non-empty token the user entered. */
  onSignIn: (token: string) => void;
  /** Why the user is here again, e.g. the server's message when it rejected the last token. */
  notice?: string | null;
}

/** Asks for the API token every request is sent with. */
export function SignIn({ onSignIn, notice }: SignInProps) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const token = value.trim();
    if (token === '') {
      setError('Enter an API token');
      return;
    }
    onSignIn(token);
  }

  return (
    <Container size={420} py={80}>
      <Stack gap="lg">
        <div>
          <Title order={1}>Stagecoach</Title>
          <Text c="dimmed">Sign in with an API token to see your environments and products.</Text>
        </div>
        {notice ? (
          <Alert color="red" title="Signed out">
            {notice}
          </Alert>
        ) : null}
        <Paper component="form" withBorder p="lg" onSubmit={submit} noValidate>
          <Stack>
            <PasswordInput
              label="API token"
              autoComplete="current-password"
              autoFocus
              value={value}
              error={error}
              onChange={(event) => {
                setValue(event.currentTarget.value);
                setError(null);
              }}
            />
            <Button type="submit" fullWidth>
              Sign in
            </Button>
          </Stack>
        </Paper>
      </Stack>
    </Container>
  );
}
