import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { mockApi, network } from '../test/render';
import { api, ApiError, unwrap } from './api-client';

const task = {
  id: '6f1c1f2e-35a4-4c1e-9a55-3f8f2a7e9b10',
  title: 't',
  description: '',
  status: 'todo' as const,
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const byId = { params: { path: { id: task.id } } };

describe('the API client', () => {
  it('sends JSON to the page origin without a service key and returns the body', async () => {
    const requests = mockApi({ status: 201, body: task, headers: { ETag: '"3"' } });
    const created = await unwrap(
      api.POST('/api/tasks', { body: { title: 't', description: '', status: 'todo' } }),
    );
    expect(created).toEqual(task);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      origin: globalThis.location.origin,
      url: '/api/tasks',
      body: { title: 't', description: '', status: 'todo' },
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    // nginx adds X-Api-Key on the way to the backend; the browser never holds it.
    expect(Object.keys(requests[0]?.headers ?? {})).not.toContain('x-api-key');
  });

  it('turns problem+json into an ApiError with the field errors and the request id', async () => {
    mockApi({
      status: 400,
      body: {
        status: 400,
        detail: 'The request body is not valid.',
        requestId: 'r1',
        errors: [{ field: 'title', message: 'must not be empty' }],
      },
    });
    const error = await unwrap(api.GET('/api/tasks/{id}', byId)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toBe('The request body is not valid.');
    expect(apiError.requestId).toBe('r1');
    expect(apiError.fieldError('title')).toBe('must not be empty');
    expect(apiError.fieldError('description')).toBeUndefined();
  });

  it('keeps the ETag of a 412, the version the change lost to', async () => {
    mockApi({ status: 412, body: { detail: 'changed' }, headers: { ETag: '"4"' } });
    const error = await unwrap(
      api.PATCH('/api/tasks/{id}', {
        params: { path: { id: task.id }, header: { 'If-Match': '"3"' } },
        body: { status: 'done' },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 412, etag: '"4"', message: 'changed' });
  });

  it('names the status and the X-Request-Id when the answer is not a problem (a proxy page)', async () => {
    network.use(
      http.all('*', () =>
        HttpResponse.text('<h1>Bad Gateway</h1>', {
          status: 502,
          headers: { 'Content-Type': 'text/html', 'X-Request-Id': 'edge-1' },
        }),
      ),
    );
    const error = await unwrap(api.GET('/api/info', {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 502,
      requestId: 'edge-1',
      message: 'Request failed with status 502',
      fieldErrors: [],
    });
  });

  it('returns nothing for 204', async () => {
    const requests = mockApi({ status: 204 });
    await expect(
      unwrap(
        api.DELETE('/api/tasks/{id}', {
          params: { path: { id: task.id }, header: { 'If-Match': '"3"' } },
        }),
      ),
    ).resolves.toBeUndefined();
    expect(requests[0]).toMatchObject({ method: 'DELETE', headers: { 'if-match': '"3"' } });
  });

  it('rejects a network failure with the fetch error, not an ApiError (so it may be retried)', async () => {
    network.use(http.all('*', () => HttpResponse.error()));
    const error = await unwrap(api.GET('/api/info', {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ApiError);
  });

  it('stops a request when its signal aborts', async () => {
    const arrived = vi.fn();
    network.use(
      http.all('*', async () => {
        arrived();
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const controller = new AbortController();
    const pending = unwrap(api.GET('/api/info', { signal: controller.signal }));
    await vi.waitFor(() => expect(arrived).toHaveBeenCalledOnce());
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
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
