import { buildExportHeader } from '../../export/export-format.js';
import { streamSink } from '../../export/export-sink.js';
import { SkippedLines } from '../../export/skipped-lines.js';
import { writeExport } from '../../export/write-export.js';
import { readConsentHistory } from '../../state/consent.js';
import { displayPath } from '../../store/display-path.js';
import { AGENT_VERSION } from '../../version.js';
import type { Route } from './route.js';

/** The same document as `prism-telemetry export --format json`, streamed as a download. */
export const exportRoute: Route = {
  method: 'GET',
  session: true,
  async handle({ res, backend }) {
    const now = new Date(backend.clock.now());
    const header = buildExportHeader({
      config: backend.config,
      dataDirDisplay: displayPath(backend.dataDir, backend.homedir),
      agentVersion: AGENT_VERSION,
      consentHistory: await readConsentHistory(backend.dataDir),
      now,
    });
    const name = `prism-telemetry-export-${now.toISOString().slice(0, 10)}.json`;
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
    const sink = streamSink(res);
    try {
      await writeExport({ dataDir: backend.dataDir, header, format: 'json', sink, skipped: new SkippedLines() });
      res.end();
    } catch {
      // The headers are out: all that is left is to cut the download short, so it cannot pass for complete.
      res.destroy();
    }
  },
};
