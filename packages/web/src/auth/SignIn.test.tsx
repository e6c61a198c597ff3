import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { SignIn } from './SignIn.tsx';

function renderSignIn(notice?: string) {
  const onSignIn = vi.fn();
  render(
    <MantineProvider env="test">
      <SignIn onSignIn={onSignIn} notice={notice} />
    </MantineProvider>,
  );
  return onSignIn;
}

function submitToken(value: string) {
  fireEvent.change(screen.getByLabelText('API token'), { target: { value } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignIn', () => {
  it('hands over the entered token without surrounding spaces', () => {
    const onSignIn = renderSignIn();
    submitToken('  s3cret \n');
    expect(onSignIn).toHaveBeenCalledExactlyOnceWith('s3cret');
  });

  it('asks for a token instead of submitting an empty one', () => {
    const onSignIn = renderSignIn();
    submitToken('   ');
    expect(onSignIn).not.toHaveBeenCalled();
    expect(screen.getByText('Enter an API token')).toBeTruthy();
  });

  it('keeps the token hidden as a password field', () => {
    renderSignIn();
    expect(screen.getByLabelText('API token').getAttribute('type')).toBe('password');
  });

  it('shows why the user was signed out', () => {
    renderSignIn('token expired');
    expect(screen.getByText('token expired')).toBeTruthy();
  });
});
