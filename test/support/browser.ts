import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`); never a browser downloaded by playwright. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Quiet, offline-friendly headless flags: nothing in the browser itself phones home during a test. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * True when the browser tests can run. A missing chromium is a skip with a message on a developer machine and
 * a failure under CI=true, where every machine of this kind has it.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `${CHROMIUM_PATH} is missing; install it with \`apt-get install -y chromium\``;
  if (process.env.CI === 'true') throw new Error(`browser tests need chromium: ${message}`);
  console.warn(`skipping the browser tests: ${message}`);
  return false;
}

export interface BrowserSession {
  context: BrowserContext;
  /** Closes the browser and removes its profile directory; safe twice. */
  close(): Promise<void>;
}

export interface BrowserOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  deviceScaleFactor?: number;
}

/** Headless chromium with a fresh profile directory of its own: no cookies or cache from anything else. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  const profileDir = await mkdtemp(path.join(tmpdir(), 'prism-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    acceptDownloads: true,
  });
  let closed: Promise<void> | undefined;
  return {
    context,
    close: () =>
      (closed ??= (async () => {
        await context.close().catch(() => undefined);
        await rm(profileDir, { recursive: true, force: true });
      })()),
  };
}

const DASHBOARD_URL = /http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+\/#token=[A-Za-z0-9_-]+/;

/** The dashboard URL with its token (in the fragment), as `prism-telemetry start` prints it; undefined until it has. */
export function findDashboardUrl(output: string): string | undefined {
  return DASHBOARD_URL.exec(output)?.[0];
}
