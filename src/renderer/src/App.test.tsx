// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from './App';
import { createFakeBackend } from './test/fake-backend';
import { renderWithBackend } from './test/render';

afterEach(cleanup);

describe('App shell', () => {
  it('marks itself ready and shows app.info in the status area', async () => {
    const { container } = renderWithBackend(<App />);
    expect(await screen.findByTestId('registry-path')).toHaveProperty('textContent', '/home/test/registry');
    expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull();
    expect(screen.getByTestId('scoring-url').textContent).toBe('http://127.0.0.1:8000');
  });

  it('navigates between views with the keyboard', async () => {
    const user = userEvent.setup();
    renderWithBackend(<App />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const runs = within(nav).getByRole('button', { name: 'Runs' });
    runs.focus();
    await user.keyboard('{Enter}');
    expect(runs.getAttribute('aria-current')).toBe('page');
    expect(await screen.findByText('No runs yet')).toBeTruthy();
    await user.tab();
    await user.keyboard('{Enter}');
    expect(await screen.findByText('Select at least two runs')).toBeTruthy();
  });

  it('shows an inline error, not a blank screen, when the backend fails', async () => {
    const backend = createFakeBackend();
    backend.failNext('app.info', 'boom');
    const { container } = renderWithBackend(<App />, backend);
    expect((await screen.findByRole('alert')).textContent).toContain('Cannot reach the backend: boom');
    expect(container.querySelector('[data-app-state="ready"]')).not.toBeNull();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeTruthy();
  });
});
