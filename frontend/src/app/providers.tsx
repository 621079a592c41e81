import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { RuntimeConfigContext, type RuntimeConfig } from '../config/runtime-config';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}

export function AppProviders({ config, children }: { config: RuntimeConfig; children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return (
    <RuntimeConfigContext.Provider value={config}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </RuntimeConfigContext.Provider>
  );
}
