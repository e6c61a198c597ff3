import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createQueryClient } from '../queryClient.ts';
import { theme } from '../theme.ts';

/** Renders `ui` inside the providers the app gives it, with a fresh query client. */
export function renderWithProviders(ui: ReactElement, onUnauthorized: () => void = () => {}) {
  const queryClient = createQueryClient(onUnauthorized);
  return render(
    <MantineProvider theme={theme} env="test">
      <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
    </MantineProvider>,
  );
}
