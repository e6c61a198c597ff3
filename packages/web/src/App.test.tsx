import { createMemoryHistory } from '@tanstack/react-router';
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenStorageKey } from './api.ts';
import { App } from './App.tsx';
import { anEnvironment } from './test/builders.ts';
import { authorizationOf, jsonResponse, stubFetch } from './test/fetchStub.ts';

const emptyLists = {
  '/api/v1/environments': () => jsonResponse(200, { items: [anEnvironment('dev', 1)] }),
  '/api/v1/products': () => jsonResponse(200, { items: [] }),
  '/api/v1/applications': () => jsonResponse(200, { items: [] }),
  '/api/v1/whoami': () => jsonResponse(200, { name: 'ops', abilities: { role: 'viewer', write: {}, manageTokens: false } }),
};

afterEach(() => sessionStorage.clear());

function renderApp(url = '/') {
  return render(<App history={createMemoryHistory({ initialEntries: [url] })} />);
}

function signInWith(token: string) {
  fireEvent.change(screen.getByLabelText('API token'), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('App', () => {
  it('asks for a token when none is stored, and calls no API', () => {
    const fetchMock = stubFetch(emptyLists);
    renderApp();

    expect(screen.getByLabelText('API token')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('stores the submitted token and loads the dashboard with it', async () => {
    const fetchMock = stubFetch(emptyLists);
    renderApp();

    signInWith('s3cret');

    expect(sessionStorage.getItem(tokenStorageKey)).toBe('s3cret');
    expect(await screen.findByRole('region', { name: 'dev' })).toBeTruthy();
    expect(screen.queryByLabelText('API token')).toBeNull();
    expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(new Set(fetchMock.mock.calls.map(([, init]) => authorizationOf(init)))).toEqual(new Set(['Bearer s3cret']));
  });

  it('opens the dashboard directly when a token is stored', async () => {
    sessionStorage.setItem(tokenStorageKey, 'stored');
    stubFetch(emptyLists);
    renderApp();

    expect(await screen.findByRole('region', { name: 'dev' })).toBeTruthy();
  });

  it("returns to sign-in with the server's message when the token is rejected", async () => {
    sessionStorage.setItem(tokenStorageKey, 'revoked');
    const unauthorized = () => jsonResponse(401, { code: 'unauthorized', message: 'token is not valid', details: [] });
    stubFetch({
      '/api/v1/environments': unauthorized,
      '/api/v1/products': unauthorized,
      '/api/v1/applications': unauthorized,
    });
    renderApp();

    expect(await screen.findByText('token is not valid')).toBeTruthy();
    expect(screen.getByLabelText('API token')).toBeTruthy();
    expect(sessionStorage.getItem(tokenStorageKey)).toBeNull();
  });

  it('forgets the token on sign out', async () => {
    sessionStorage.setItem(tokenStorageKey, 'stored');
    stubFetch(emptyLists);
    renderApp();
    await screen.findByRole('region', { name: 'dev' });

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(sessionStorage.getItem(tokenStorageKey)).toBeNull();
    expect(screen.getByLabelText('API token')).toBeTruthy();
  });

  it('shows the navigation and the signed-in role', async () => {
    sessionStorage.setItem(tokenStorageKey, 'stored');
    stubFetch(emptyLists);
    renderApp();

    expect(await screen.findByText('ops · viewer')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav.querySelector('a[href="/releases"]')?.textContent).toBe('Releases');
    expect(nav.querySelector('a[href="/flows"]')?.textContent).toBe('Promotion Flows');
    expect(nav.querySelector('a[href="/policies"]')?.textContent).toBe('Policies');
    expect(nav.querySelector('a[href="/applications"]')?.textContent).toBe('Applications');
  });

  it('opens the page of the address it was started at, once signed in', async () => {
    stubFetch({ ...emptyLists, '/api/v1/releases': () => jsonResponse(200, { items: [] }), '/api/v1/promotion-flows': () => jsonResponse(200, { items: [] }) });
    renderApp('/releases?status=Failed');

    signInWith('s3cret');

    expect(await screen.findByText('No release matches these filters.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Releases' })).toBeTruthy();
  });
});
