import type { ReactElement } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createClient } from '../api/client';
import { ClientProvider } from '../api/context';
import { resetUi } from '../stores/ui';
import { createFakeBackend, type FakeBackend } from './fake-backend';

/** Renders `ui` against a fresh fake backend, query cache and UI store. */
export function renderWithBackend(ui: ReactElement, backend: FakeBackend = createFakeBackend()) {
  resetUi();
  const client = createClient(backend.transport);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const result = render(
    <ClientProvider client={client}>
      <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
    </ClientProvider>,
  );
  return { ...result, backend, client, queryClient };
}
