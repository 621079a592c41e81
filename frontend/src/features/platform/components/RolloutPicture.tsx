import type { Answer } from '../hooks/useResponders';
import { sparklinePoints, versionColumns } from '../rollout';

const steps = 20;
const window = 10;
const chart = { width: 200, height: 48 };
const spark = { width: 200, height: 32 };

/** Which versions answered, over time: each bar the shares of the versions, one colour each. */
export function VersionChart({
  answers,
  colours,
}: {
  answers: Answer[];
  colours: Map<string, string>;
}) {
  const columns = versionColumns(answers, steps, window);
  const barWidth = chart.width / steps;
  const latest = columns.at(-1);
  const share = latest
    ? Object.entries(latest.counts)
        .map(([version, count]) => `${version} ${Math.round((100 * count) / latest.total)}%`)
        .join(', ')
    : 'no answers yet';
  return (
    <svg
      className="rollout-chart"
      viewBox={`0 0 ${chart.width} ${chart.height}`}
      role="img"
      aria-label={`Versions among the last ${latest?.total ?? 0} answers: ${share}`}
    >
      {columns.map((column, i) => {
        let top = chart.height;
        return (
          <g key={column.at}>
            {[...colours.keys()]
              .filter((version) => column.counts[version])
              .map((version) => {
                const height = ((column.counts[version] ?? 0) / column.total) * chart.height;
                top -= height;
                return (
                  <rect
                    key={version}
                    className={colours.get(version)}
                    x={i * barWidth + 1}
                    y={top}
                    width={barWidth - 2}
                    height={height}
                  />
                );
              })}
          </g>
        );
      })}
    </svg>
  );
}

/** The database latency each answer reported, as a line. */
export function LatencySparkline({ answers }: { answers: Answer[] }) {
  const latencies = answers.flatMap((a) => (a.latencyMs === null ? [] : [a.latencyMs]));
  const last = latencies.at(-1);
  const points = sparklinePoints(latencies, spark.width, spark.height);
  // The newest value as a dot: with one answer so far there is no line yet.
  const lastPoint = points ? points.split(' ').at(-1)?.split(',').map(Number) : undefined;
  return (
    <svg
      className="sparkline"
      viewBox={`-2 -2 ${spark.width + 4} ${spark.height + 4}`}
      role="img"
      aria-label={
        last === undefined
          ? 'No database latency yet'
          : `Database latency over the last ${latencies.length} answers, now ${last.toFixed(1)} ms, at most ${Math.max(...latencies).toFixed(1)} ms`
      }
    >
      <polyline points={points} />
      {lastPoint && <circle cx={lastPoint[0]} cy={lastPoint[1]} r={2.5} />}
    </svg>
  );
}
