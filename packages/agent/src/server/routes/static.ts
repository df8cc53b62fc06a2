import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendError, sendText } from '../http/respond.js';
import type { Route } from './route.js';

/** `packages/agent/dashboard/`: plain files, no build step; the same path from `src/` and from `dist/`. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/', import.meta.url));

const requireFromHere = createRequire(import.meta.url);

interface StaticFile {
  /** Relative to the dashboard directory, or a module path resolved from node_modules. */
  file: string;
  fromModule: boolean;
  contentType: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Exactly these files and nothing else: no path from the request ever reaches the file system. */
export const STATIC_FILES: ReadonlyMap<string, StaticFile> = new Map([
  ['/', { file: 'index.html', fromModule: false, contentType: 'text/html; charset=utf-8' }],
  ['/static/app.js', { file: 'app.js', fromModule: false, contentType: JS }],
  ['/static/app.css', { file: 'app.css', fromModule: false, contentType: CSS }],
  ['/static/uPlot.iife.min.js', { file: 'uplot/dist/uPlot.iife.min.js', fromModule: true, contentType: JS }],
  ['/static/uPlot.min.css', { file: 'uplot/dist/uPlot.min.css', fromModule: true, contentType: CSS }],
]);

function resolveFile(entry: StaticFile, dashboardDir: string): string | undefined {
  if (!entry.fromModule) return path.join(dashboardDir, entry.file);
  try {
    return requireFromHere.resolve(entry.file);
  } catch {
    return undefined;
  }
}

/** The page and its scripts and styles: no data in them, so no token (the API calls they make need it). */
export function staticRoute(entry: StaticFile, dashboardDir: string): Route {
  return {
    method: 'GET',
    session: false,
    async handle({ res }) {
      const file = resolveFile(entry, dashboardDir);
      const body = file === undefined ? undefined : await readFile(file).catch(() => undefined);
      if (body === undefined) {
        sendError(res, 404, 'PT_ERR_DASHBOARD_REQUEST', 'this dashboard file is missing from the installation');
        return;
      }
      sendText(res, 200, entry.contentType, body);
    },
  };
}
