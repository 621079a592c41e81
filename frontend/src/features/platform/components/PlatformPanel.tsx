import { Alert } from '../../../components/Alert';
import { useRuntimeConfig } from '../../../config/runtime-config';
import { useBackendInfo } from '../hooks/useBackendInfo';
import { summarise, useResponders } from '../hooks/useResponders';
import { versionClasses } from '../rollout';
import { LatencySparkline, VersionChart } from './RolloutPicture';

export function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

export function PlatformPanel() {
  const config = useRuntimeConfig();
  const info = useBackendInfo();
  const answers = useResponders(info.data, info.dataUpdatedAt);
  const colours = versionClasses(answers.map((a) => a.version));
  const backend = info.data;

  return (
    <aside className="platform" aria-labelledby="platform-heading">
      <h2 id="platform-heading">Platform</h2>
      <dl className="facts">
        <dt>Frontend</dt>
        <dd>
          {config.version} <span className="badge">{config.environment}</span>
        </dd>
      </dl>
      {info.isPending && <p className="muted">Asking the backend…</p>}
      {info.isError && <Alert tone="error">The backend did not answer: {info.error.message}</Alert>}
      {backend && (
        <dl className="facts" aria-label="Backend">
          <dt>Backend</dt>
          <dd data-testid="backend-version">{backend.version}</dd>
          <dt>Commit</dt>
          <dd>
            <code>{backend.commit.slice(0, 12)}</code>
          </dd>
          <dt>Pod</dt>
          <dd data-testid="backend-pod">{backend.pod}</dd>
          <dt>Node</dt>
          <dd>{backend.node ?? '–'}</dd>
          <dt>Namespace</dt>
          <dd>{backend.namespace ?? '–'}</dd>
          <dt>Uptime</dt>
          <dd>{formatUptime(backend.uptimeSeconds)}</dd>
          <dt>Database</dt>
          <dd data-testid="database-status">
            <span
              className={
                backend.database.status === 'up' ? 'status status--up' : 'status status--down'
              }
            >
              {backend.database.status}
            </span>
            {backend.database.latencyMs !== null && ` ${backend.database.latencyMs.toFixed(1)} ms`}
          </dd>
        </dl>
      )}
      <h3>Last {answers.length} answers</h3>
      <VersionChart answers={answers} colours={colours} />
      <ul className="responders">
        {summarise(answers).map((r) => (
          <li key={`${r.pod}-${r.version}`}>
            <span className={`swatch ${colours.get(r.version) ?? ''}`} aria-hidden="true" />
            <span className="responders__pod">{r.pod}</span>{' '}
            <span className="badge">{r.version}</span> × {r.count}
          </li>
        ))}
      </ul>
      <h3>Database latency</h3>
      <LatencySparkline answers={answers} />
    </aside>
  );
}
