import { useQuery } from '@tanstack/react-query';
import { getInfo } from '../api/get-info';

export const infoRefreshMs = 3_000;

export function useBackendInfo() {
  return useQuery({
    queryKey: ['info'],
    queryFn: ({ signal }) => getInfo(signal),
    refetchInterval: infoRefreshMs,
    refetchIntervalInBackground: false,
    retry: false,
  });
}
