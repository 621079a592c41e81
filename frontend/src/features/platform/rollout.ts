import type { Answer } from './hooks/useResponders';

export interface VersionColumn {
  at: number;
  /** How many of the answers in the window ending here each version gave. */
  counts: Record<string, number>;
  total: number;
}

/**
 * The stacked bar over time: for each of the last `steps` answers, the versions among the
 * `window` answers up to it. During a rolling update or a canary the colours change hands.
 */
export function versionColumns(answers: Answer[], steps: number, window: number): VersionColumn[] {
  const first = Math.max(0, answers.length - steps);
  return answers.slice(first).map((answer, offset) => {
    const end = first + offset + 1;
    const counts: Record<string, number> = {};
    const inWindow = answers.slice(Math.max(0, end - window), end);
    for (const { version } of inWindow) counts[version] = (counts[version] ?? 0) + 1;
    return { at: answer.at, counts, total: inWindow.length };
  });
}

/** The versions seen, in order of appearance, each with a colour class of its own. */
export function versionClasses(versions: string[]): Map<string, string> {
  return new Map([...new Set(versions)].map((v, i) => [v, `version-${i % 6}`]));
}

/** An SVG polyline's points for the values, scaled into width × height (higher is up). */
export function sparklinePoints(values: number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((value, i) => {
      const x = values.length > 1 ? i * step : width / 2;
      const y = height - ((value - min) / span) * height;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}
