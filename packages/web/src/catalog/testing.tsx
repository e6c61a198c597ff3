import type { Role } from '@stagecoach/core';
import type { ReactElement } from 'react';
import { AbilitiesContext, abilitiesFor } from '../shell/abilities.tsx';
import { renderWithProviders } from '../test/render.tsx';

/** Renders a page with the app's providers as a token of `role`. */
export function renderAs(role: Role, page: ReactElement) {
  return renderWithProviders(<AbilitiesContext.Provider value={abilitiesFor(role)}>{page}</AbilitiesContext.Provider>);
}

/** The parsed JSON body of the last request `fetchMock` received for `path` with `method`. */
export function sentBody(fetchMock: { mock: { calls: unknown[][] } }, method: string, path: string): unknown {
  const call = fetchMock.mock.calls.filter(([input, init]) => String(input) === path && ((init as RequestInit | undefined)?.method ?? 'GET') === method).at(-1);
  return call === undefined ? undefined : JSON.parse(String((call[1] as RequestInit).body));
}
