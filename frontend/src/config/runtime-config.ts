import { createContext, useContext } from 'react';

/** What /config.json says: written at container start, so one image serves every environment. */
export interface RuntimeConfig {
  environment: string;
  version: string;
  features: Record<string, boolean>;
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const raw = (await response.json()) as Partial<RuntimeConfig>;
  if (typeof raw.environment !== 'string' || typeof raw.version !== 'string') {
    throw new Error('/config.json lacks environment or version');
  }
  return { environment: raw.environment, version: raw.version, features: raw.features ?? {} };
}

export const RuntimeConfigContext = createContext<RuntimeConfig | null>(null);

export function useRuntimeConfig(): RuntimeConfig {
  const config = useContext(RuntimeConfigContext);
  if (!config) throw new Error('useRuntimeConfig outside RuntimeConfigContext');
  return config;
}
