import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

export interface BackendInfo {
  service: string;
  version: string;
  commit: string;
  pod: string;
  node: string | null;
  namespace: string | null;
  uptimeSeconds: number;
  runtime: string;
  database: { status: 'up' | 'down'; latencyMs: number | null; checkedAt: string | null };
}

export const infoRefreshMs = 3_000;

export async function getInfo(): Promise<BackendInfo> {
  return (await apiRequest<BackendInfo>('/api/info')).data;
}

export function useBackendInfo() {
  return useQuery({
    queryKey: ['info'],
    queryFn: getInfo,
    refetchInterval: infoRefreshMs,
    refetchIntervalInBackground: false,
    retry: false,
  });
}
