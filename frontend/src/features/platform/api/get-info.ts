import { api, unwrap } from '../../../lib/api-client';
import type { components } from '../../../lib/api/schema';

/** Generated from the backend's OpenAPI document (lib/api/schema.d.ts). */
export type BackendInfo = components['schemas']['Info'];

export function getInfo(signal?: AbortSignal): Promise<BackendInfo> {
  return unwrap(api.GET('/api/info', { signal: signal ?? null }));
}
