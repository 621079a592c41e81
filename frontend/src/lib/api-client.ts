/** The one client every feature uses: JSON in, JSON out, problem+json errors as ApiError. */

export interface FieldError {
  field: string;
  message: string;
}

interface Problem {
  title?: string;
  detail?: string;
  status?: number;
  requestId?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldError[];
  readonly requestId: string | undefined;
  readonly etag: string | null;

  constructor(status: number, problem: Problem, etag: string | null) {
    super(problem.detail ?? problem.title ?? `Request failed with status ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.fieldErrors = problem.errors ?? [];
    this.requestId = problem.requestId;
    this.etag = etag;
  }

  /** The message for one field, when the API named it. */
  fieldError(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.field === field)?.message;
  }
}

export interface ApiResponse<T> {
  data: T;
  etag: string | null;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function apiRequest<T>(
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const init: RequestInit = {
    method: options.method ?? 'GET',
    headers,
    credentials: 'same-origin',
  };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  const response = await fetch(path, init);
  const etag = response.headers.get('ETag');
  if (!response.ok) {
    let problem: Problem = {};
    if ((response.headers.get('Content-Type') ?? '').includes('json')) {
      problem = (await response.json().catch(() => ({}))) as Problem;
    }
    throw new ApiError(response.status, problem, etag);
  }
  const data = (response.status === 204 ? undefined : await response.json()) as T;
  return { data, etag };
}
