import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
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
  origin: string;
  /** Path and query. */
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The network of the unit tests: msw answers every request; none reaches a real server. */
export const network = setupServer();

/**
 * Answers the app's requests from a list, in order (the last answer repeats), and records
 * each request as the API would receive it.
 */
export function mockApi(...replies: Reply[]): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  network.use(
    http.all('*', async ({ request }) => {
      const text = await request.text();
      const url = new URL(request.url);
      requests.push({
        method: request.method,
        origin: url.origin,
        url: `${url.pathname}${url.search}`,
        headers: Object.fromEntries(request.headers),
        body: text ? JSON.parse(text) : undefined,
      });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)] ?? { status: 500 };
      const type = reply.status >= 400 ? 'application/problem+json' : 'application/json';
      return new HttpResponse(reply.body === undefined ? null : JSON.stringify(reply.body), {
        status: reply.status,
        headers: { 'Content-Type': type, ...reply.headers },
      });
    }),
  );
  return requests;
}
