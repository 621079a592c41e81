import type { components } from '../../../lib/api/schema';
import { apiRequest } from '../../../lib/api-client';

/** Generated from the backend's OpenAPI document (lib/api/schema.d.ts). */
export type BackendInfo = components['schemas']['Info'];

export async function getInfo(): Promise<BackendInfo> {
  return (await apiRequest<BackendInfo>('/api/info')).data;
}
