import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { RuntimeConfigContext } from '../config/runtime-config';

/** Renders with fresh providers, as the app does. */
export function renderWithProviders(ui: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    <RuntimeConfigContext.Provider value={{ environment: 'test', version: '1.0.0', features: {} }}>
      <QueryClientProvider client={client}>{ui}</QueryClientProvider>
    </RuntimeConfigContext.Provider>,
  );
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A fetch that records requests and answers from a list, in order (the last answer repeats). */
export function stubFetch(...replies: Reply[]): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      requests.push({
        method: init.method ?? 'GET',
        url,
        headers: { ...(init.headers as Record<string, string>) },
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)] ?? { status: 500 };
      const type = reply.status >= 400 ? 'application/problem+json' : 'application/json';
      return Promise.resolve(
        new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
          status: reply.status,
          headers: { 'Content-Type': type, ...reply.headers },
        }),
      );
    }),
  );
  return requests;
}
