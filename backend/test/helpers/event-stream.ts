import { request, type IncomingMessage } from 'node:http';

export interface StreamEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * A Server-Sent Events client on a connection of its own, parsing the stream as it arrives
 * (supertest would wait for the end of a response that never ends).
 */
export class EventStreamReader {
  readonly events: StreamEvent[] = [];
  heartbeats = 0;
  retry: number | undefined;
  ended = false;
  private buffer = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly response: IncomingMessage,
    readonly body: Promise<string>,
  ) {}

  /** Resolves with the response's head; the events fill in as they come. */
  static open(
    port: number,
    headers: Record<string, string> = {},
    path = '/api/tasks/events',
  ): Promise<EventStreamReader> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent: false, headers }, (response) => {
        let whole = '';
        const body = new Promise<string>((done) => response.on('close', () => done(whole)));
        const reader = new EventStreamReader(response, body);
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          whole += chunk;
          reader.push(chunk);
        });
        response.on('close', () => {
          reader.ended = true;
          reader.wake();
        });
        resolve(reader);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** The first event at or after index `from` that matches, waiting up to timeoutMs for it. */
  async next(
    match: (event: StreamEvent) => boolean,
    timeoutMs = 5_000,
    from = 0,
  ): Promise<StreamEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) {
        throw new Error(
          `no matching event ${this.ended ? 'before the stream ended' : `within ${timeoutMs} ms`}; ` +
            `saw ${JSON.stringify(this.events.map((e) => e.event))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  close(): void {
    this.response.destroy();
  }

  private push(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.parse(block);
    }
    this.wake();
  }

  private parse(block: string): void {
    const parsed: StreamEvent = { event: 'message', data: '' };
    let hasData = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.heartbeats++;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') parsed.event = value;
      else if (field === 'id') parsed.id = value;
      else if (field === 'retry') this.retry = Number(value);
      else if (field === 'data') {
        parsed.data = hasData ? `${parsed.data}\n${value}` : value;
        hasData = true;
      }
    }
    if (hasData) this.events.push(parsed);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
