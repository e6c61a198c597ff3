import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { tokenStorageKey } from './api.ts';
import { App } from './App.tsx';
import { anEnvironment } from './test/builders.ts';
import { authorizationOf, jsonResponse, stubFetch } from './test/fetchStub.ts';

const emptyLists = {
  '/api/v1/environments': () => jsonResponse(200, { items: [anEnvironment('dev', 1)] }),
  '/api/v1/products': () => jsonResponse(200, { items: [] }),
  '/api/v1/applications': () => jsonResponse(200, { items: [] }),
};

function signInWith(token: string) {
  fireEvent.change(screen.getByLabelText('API token'), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('App', () => {
  it('asks for a token when none is stored, and calls no API', () => {
    const fetchMock = stubFetch(emptyLists);
    render(<App />);

    expect(screen.getByLabelText('API token')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('stores the submitted token and loads the dashboard with it', async () => {
    const fetchMock = stubFetch(emptyLists);
    render(<App />);

    signInWith('s3cret');

    expect(localStorage.getItem(tokenStorageKey)).toBe('s3cret');
    expect(await screen.findByRole('region', { name: 'dev' })).toBeTruthy();
    expect(screen.queryByLabelText('API token')).toBeNull();
    expect(fetchMock.mock.calls.map(([, init]) => authorizationOf(init))).toEqual([
      'Bearer s3cret',
      'Bearer s3cret',
      'Bearer s3cret',
    ]);
  });

  it('opens the dashboard directly when a token is stored', async () => {
    localStorage.setItem(tokenStorageKey, 'stored');
    stubFetch(emptyLists);
    render(<App />);

    expect(await screen.findByRole('region', { name: 'dev' })).toBeTruthy();
  });

  it("returns to sign-in with the server's message when the token is rejected", async () => {
    localStorage.setItem(tokenStorageKey, 'revoked');
    const unauthorized = () => jsonResponse(401, { code: 'unauthorized', message: 'token is not valid', details: [] });
    stubFetch({
      '/api/v1/environments': unauthorized,
      '/api/v1/products': unauthorized,
      '/api/v1/applications': unauthorized,
    });
    render(<App />);

    expect(await screen.findByText('token is not valid')).toBeTruthy();
    expect(screen.getByLabelText('API token')).toBeTruthy();
    expect(localStorage.getItem(tokenStorageKey)).toBeNull();
  });

  it('forgets the token on sign out', async () => {
    localStorage.setItem(tokenStorageKey, 'stored');
    stubFetch(emptyLists);
    render(<App />);
    await screen.findByRole('region', { name: 'dev' });

    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(localStorage.getItem(tokenStorageKey)).toBeNull();
    expect(screen.getByLabelText('API token')).toBeTruthy();
  });
});
