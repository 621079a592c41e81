import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../api/get-info';
import { summarise, useResponders } from './useResponders';

const info = (pod: string, version: string, latencyMs: number | null = null) =>
  ({ pod, version, database: { status: 'up', latencyMs, checkedAt: null } }) as BackendInfo;

describe('useResponders', () => {
  it('keeps the last answers, one per refresh, oldest first', () => {
    const { result, rerender } = renderHook(({ data, at }) => useResponders(data, at, 3), {
      initialProps: { data: info('a', '1'), at: 1 },
    });
    rerender({ data: info('b', '1'), at: 2 });
    rerender({ data: info('b', '1'), at: 2 });
    rerender({ data: info('c', '2'), at: 3 });
    rerender({ data: info('a', '2'), at: 4 });
    expect(result.current.map((a) => `${a.pod}@${a.version}`)).toEqual(['b@1', 'c@2', 'a@2']);
  });

  it('keeps the database latency each answer reported', () => {
    const { result, rerender } = renderHook(({ data, at }) => useResponders(data, at), {
      initialProps: { data: info('a', '1', 1.5), at: 1 },
    });
    rerender({ data: info('a', '1', null), at: 2 });
    expect(result.current.map((a) => a.latencyMs)).toEqual([1.5, null]);
  });

  it('records nothing before the first answer', () => {
    const { result } = renderHook(() => useResponders(undefined, 0));
    expect(result.current).toEqual([]);
  });
});

describe('summarise', () => {
  it('counts answers by pod and version, most first', () => {
    const answers = [
      { pod: 'p1', version: '1', at: 1, latencyMs: null },
      { pod: 'p2', version: '2', at: 2, latencyMs: null },
      { pod: 'p2', version: '2', at: 3, latencyMs: null },
      { pod: 'p1', version: '2', at: 4, latencyMs: null },
    ];
    expect(summarise(answers)).toEqual([
      { pod: 'p2', version: '2', count: 2 },
      { pod: 'p1', version: '1', count: 1 },
      { pod: 'p1', version: '2', count: 1 },
    ]);
  });
});
