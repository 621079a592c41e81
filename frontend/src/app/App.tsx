import { useRuntimeConfig } from '../config/runtime-config';
import { PlatformPanel } from '../features/platform/components/PlatformPanel';
import { TaskBoard } from '../features/tasks/components/TaskBoard';

export function App() {
  const config = useRuntimeConfig();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to the board
      </a>
      <header className="app-header">
        <h1>TByte</h1>
        <span className="badge" aria-label={`Environment ${config.environment}`}>
          {config.environment}
        </span>
      </header>
      <div className="layout">
        <main id="main" tabIndex={-1}>
          <TaskBoard />
        </main>
        <PlatformPanel />
      </div>
    </>
  );
}
