import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders, mockApi } from '../../../test/render';
import { formatUptime, PlatformPanel } from './PlatformPanel';

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [61, '1m 1s'],
    [3_660, '1h 1m'],
    [90_000, '1d 1h'],
  ])('%i s is %s', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });
});

describe('PlatformPanel', () => {
  it('shows the backend that answered and the frontend build', async () => {
    mockApi({
      status: 200,
      body: {
        service: 'tbyte-backend',
        version: '2.0.0',
        commit: '0123456789abcdef0123',
        pod: 'backend-7d9f-x2',
        node: 'ip-10-0-1-1',
        namespace: 'tbyte',
        uptimeSeconds: 125,
        runtime: 'v24.0.0',
        database: { status: 'up', latencyMs: 1.234, checkedAt: null },
      },
    });
    renderWithProviders(<PlatformPanel />);
    expect(await screen.findByTestId('backend-pod')).toHaveTextContent('backend-7d9f-x2');
    expect(screen.getByTestId('backend-version')).toHaveTextContent('2.0.0');
    expect(screen.getByText('0123456789ab')).toBeInTheDocument();
    expect(screen.getByTestId('database-status')).toHaveTextContent('up 1.2 ms');
    expect(screen.getByText('2m 5s')).toBeInTheDocument();
    expect(screen.getByText('test')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Versions among the last 1 answers: 2.0.0 100%' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Database latency over the last 1 answers, now 1.2 ms, at most 1.2 ms',
      }),
    ).toBeInTheDocument();
  });

  it('says when the backend does not answer', async () => {
    mockApi({ status: 503, body: { detail: 'The database is unavailable; try again shortly.' } });
    renderWithProviders(<PlatformPanel />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The database is unavailable');
  });
});
