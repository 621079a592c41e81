import { useState } from 'react';
import type { BackendInfo } from '../api/get-info';

export interface Answer {
  pod: string;
  version: string;
  at: number;
  /** The database latency the answering pod last measured. */
  latencyMs: number | null;
}

export interface ResponderSummary {
  pod: string;
  version: string;
  count: number;
}

/**
 * Keeps the last `limit` answers as they arrive (one per refresh), oldest first. A new
 * answer is recorded while rendering (React's pattern for state derived from a changed
 * prop), so no effect runs a second render.
 */
export function useResponders(
  info: BackendInfo | undefined,
  updatedAt: number,
  limit = 40,
): Answer[] {
  const [state, setState] = useState<{ seen: number; answers: Answer[] }>({ seen: 0, answers: [] });
  if (info && updatedAt !== 0 && updatedAt !== state.seen) {
    const next = {
      seen: updatedAt,
      answers: [
        ...state.answers,
        {
          pod: info.pod,
          version: info.version,
          at: updatedAt,
          latencyMs: info.database.latencyMs,
        },
      ].slice(-limit),
    };
    setState(next);
    return next.answers;
  }
  return state.answers;
}

/** Which pod and version answered how often: a rollout shows as two versions side by side. */
export function summarise(answers: Answer[]): ResponderSummary[] {
  const byResponder = new Map<string, ResponderSummary>();
  for (const { pod, version } of answers) {
    const key = `${pod}\u0000${version}`;
    const entry = byResponder.get(key) ?? { pod, version, count: 0 };
    entry.count += 1;
    byResponder.set(key, entry);
  }
  return [...byResponder.values()].sort((a, b) => b.count - a.count || a.pod.localeCompare(b.pod));
}
