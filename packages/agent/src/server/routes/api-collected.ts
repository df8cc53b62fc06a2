import { buildManifest, DEFAULT_POLICY } from '@prism-telemetry/privacy';
import { collectStatus } from '../../cli/commands/status.js';
import { readOutboundAttempts } from '../../state/outbound-log.js';
import type { OutboundAttempt } from '../../state/types.js';
import { sendJson } from '../http/respond.js';
import type { Route } from './route.js';

const isSent = (a: OutboundAttempt): boolean => a.result === 'sent' || a.result.startsWith('sent:');

/** "What is collected": the manifest, where the data is and how much, the consent, and what left the machine. */
export const collectedRoute: Route = {
  method: 'GET',
  session: true,
  async handle({ res, backend }) {
    const { config } = backend;
    const level = config.telemetry.privacyLevel;
    const status = await collectStatus({
      config,
      dataDir: backend.dataDir,
      dataDirSource: backend.dataDirSource,
      env: backend.env,
      homedir: backend.homedir,
    });
    const attempts = await readOutboundAttempts(backend.dataDir);
    const last = attempts.at(-1);
    const sent = attempts.filter(isSent);
    sendJson(res, 200, {
      level,
      manifest: buildManifest(DEFAULT_POLICY, level),
      storage: {
        path: status.dataDir,
        totalBytes: status.totalBytes,
        maxTotalBytes: status.maxTotalBytes,
        categories: status.categories.map((c) => ({
          category: c.category,
          bytes: c.bytes,
          files: c.files,
          retentionDays: c.retentionDays,
        })),
      },
      consent: status.consent,
      outbound: {
        attempts: attempts.length,
        bytes: sent.reduce((sum, a) => sum + a.bytes, 0),
        lastAttemptAt: last?.at ?? null,
        lastResult: last?.result ?? null,
        lastSendAt: sent.at(-1)?.at ?? null,
        nothingLeft: !sent.some((a) => a.purpose === 'collect'),
      },
    });
  },
};
