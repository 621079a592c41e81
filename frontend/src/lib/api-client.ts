/**
 * The one client every feature uses: openapi-fetch, typed by the paths generated from the
 * backend's OpenAPI document (lib/api/schema.d.ts). A path, parameter, header or body field
 * the document no longer has fails the typecheck; an answer other than 2xx throws ApiError.
 */
import createClient, { type FetchOptions, type FetchResponse } from 'openapi-fetch';
import type { components, paths } from './api/schema';

type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];

export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldError[];
  /** The problem's requestId, else the X-Request-Id header (a proxy's error page has no body). */
  readonly requestId: string | undefined;
  /** The ETag the API sent with the error (a 412 carries the task's current version). */
  readonly etag: string | null;

  constructor(response: Response, problem: Partial<Problem>) {
    super(problem.detail ?? problem.title ?? `Request failed with status ${response.status}`);
    this.name = 'ApiError';
    this.status = response.status;
    this.fieldErrors = problem.errors ?? [];
    this.requestId = problem.requestId ?? response.headers.get('X-Request-Id') ?? undefined;
    this.etag = response.headers.get('ETag');
  }

  /** The message for one field, when the API named it. */
  fieldError(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.field === field)?.message;
  }
}

type Method = 'get' | 'post' | 'patch' | 'delete';
type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends undefined ? never : P;
}[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/**
 * openapi-fetch's own signature infers the init argument from the call, so a parameter the
 * document no longer has passes the typecheck (openapi-typescript issue 2329). Typed from the
 * operation instead, every init object literal gets TypeScript's excess-property check.
 */
type Call<M extends Method> = <P extends PathsWith<M>>(
  path: P,
  init: FetchOptions<Operation<P, M>>,
) => Promise<FetchResponse<Operation<P, M>, FetchOptions<Operation<P, M>>, `${string}/${string}`>>;

/**
 * Requests go to the page's own origin: nginx (in the cluster and compose), the local gateway
 * or Vite's dev proxy passes /api on to the backend and adds the service key there, so the key
 * never reaches the browser. openapi-fetch builds a Request, which needs an absolute URL.
 */
export const api: {
  GET: Call<'get'>;
  POST: Call<'post'>;
  PATCH: Call<'patch'>;
  DELETE: Call<'delete'>;
} = createClient<paths>({
  baseUrl: globalThis.location.origin,
  headers: { Accept: 'application/json' },
  credentials: 'same-origin',
  // Looked up per request rather than captured at load, so the tests' msw interception applies.
  fetch: (request) => globalThis.fetch(request),
});

type Answer<T> =
  | { data: T; error?: never; response: Response }
  | { data?: never; error?: unknown; response: Response };

/** The body of a 2xx answer (none for 204); any other status throws ApiError. */
export async function unwrap<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  // openapi-fetch leaves data undefined only for a 2xx without a body, which T then describes.
  if (response.ok) return data as T;
  throw new ApiError(response, typeof error === 'object' && error !== null ? error : {});
}
