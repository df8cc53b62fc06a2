import { deleteAllData } from '../../delete/delete-all-data.js';
import { sendError, sendJson } from '../http/respond.js';
import type { Route } from './route.js';

/** The page asks the user to confirm, then sends this exact phrase: a stray request cannot delete by accident. */
export const DELETE_CONFIRMATION = 'delete all data';

/** `delete --all --yes`: stored and queued data go, the secret is rotated, the agent rebuilds its pipelines. */
export const deleteRoute: Route = {
  method: 'POST',
  session: true,
  async handle({ res, backend, body }) {
    const b = body as Record<string, unknown> | null;
    const confirmed =
      b !== null &&
      typeof b === 'object' &&
      !Array.isArray(b) &&
      Object.keys(b).length === 1 &&
      b['confirm'] === DELETE_CONFIRMATION;
    if (!confirmed) {
      sendError(
        res,
        400,
        'PT_ERR_CONFIRMATION_REQUIRED',
        `expected {"confirm":"${DELETE_CONFIRMATION}"}`,
        'ask the user first',
      );
      return;
    }
    const deleted = await deleteAllData(backend.dataDir);
    await backend.applyStateNow();
    sendJson(res, 200, {
      removedFiles: deleted.metrics.files + deleted.queue.files + deleted.alerts.files,
      dataGeneration: deleted.dataGeneration,
    });
  },
};
