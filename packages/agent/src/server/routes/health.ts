import { sendJson } from '../http/respond.js';
import type { Route } from './route.js';

export const healthzRoute: Route = {
  method: 'GET',
  session: false,
  handle: async ({ res }) => sendJson(res, 200, { status: 'ok' }),
};
