import { existsSync } from 'node:fs';

/**
 * How Playwright's tests and `pnpm bench` launch Chromium: Debian's build when present
 * (CHROMIUM_PATH names another), else the browser Playwright installed. The flags keep a
 * headless run quiet and comparable: no sandbox (CI runs as root in a VM), no GPU, and no
 * background traffic that would land in timings or network assertions.
 */
export function chromiumLaunchOptions(): { executablePath?: string; args: string[] } {
  const executablePath =
    process.env.CHROMIUM_PATH ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
  return {
    ...(executablePath ? { executablePath } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  };
}
