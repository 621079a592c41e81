import { describe, expect, it, vi } from 'vitest';
import { mockApi } from '../test/render';
import { ApiError, apiRequest } from './api-client';

describe('apiRequest', () => {
  it('sends JSON and returns the body with the ETag', async () => {
    const requests = mockApi({ status: 200, body: { id: 'a' }, headers: { ETag: '"3"' } });
    const result = await apiRequest<{ id: string }>('/api/tasks', {
      method: 'POST',
      body: { title: 't' },
    });
    expect(result).toEqual({ data: { id: 'a' }, etag: '"3"' });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      body: { title: 't' },
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
  });

  it('turns problem+json into an ApiError with the field errors', async () => {
    mockApi({
      status: 400,
      body: {
        status: 400,
        detail: 'The request body is not valid.',
        requestId: 'r1',
        errors: [{ field: 'title', message: 'must not be empty' }],
      },
    });
    const error = await apiRequest('/api/tasks').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toBe('The request body is not valid.');
    expect(apiError.requestId).toBe('r1');
    expect(apiError.fieldError('title')).toBe('must not be empty');
    expect(apiError.fieldError('description')).toBeUndefined();
  });

  it('returns nothing for 204', async () => {
    mockApi({ status: 204 });
    expect((await apiRequest('/api/tasks/x', { method: 'DELETE' })).data).toBeUndefined();
  });
});

describe('idempotency keys (uuid v4)', () => {
  it('are distinct version 4 UUIDs where crypto.randomUUID is missing (plain http)', async () => {
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    try {
      expect('randomUUID' in crypto).toBe(false);
      // uuid looks for crypto.randomUUID when it loads: load it afresh, without one.
      vi.resetModules();
      const { v4: uuidv4 } = await import('uuid');
      const ids = new Set(Array.from({ length: 1000 }, () => uuidv4()));
      expect(ids.size).toBe(1000);
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
