import type { Command } from 'commander';
import { Agent } from '../../agent.js';
import { PrismError } from '../../errors.js';
import type { OtelConfig } from '../../otel-config/types.js';
import { createStderrLogger } from '../../component/logger.js';
import { formatConfigIssues } from '../../config/format-issues.js';
import { displayPath } from '../../store/display-path.js';
import { EXIT_FAILURE, EXIT_INVALID } from '../exit-codes.js';
import { loadCliConfig } from '../load-config.js';
import { reportError } from '../report-error.js';
import { writeFlushResult } from '../../outbound/flush-queues.js';

export function registerStart(program: Command, setExit: (code: number) => void): void {
  program
    .command('start')
    .description('run the agent until SIGINT/SIGTERM, writing health metrics under the data directory')
    .option('-c, --config <file>', 'pipeline config (YAML); default: the embedded defaults (pipelines/local.yaml)')
    .option(
      '-d, --data-dir <dir>',
      'data directory; default: $PRISM_TELEMETRY_DIR, $XDG_STATE_HOME/prism-telemetry, ~/.local/state/prism-telemetry',
    )
    .option(
      '--otel-config <file>',
      'OpenTelemetry declarative config (file_format 1.x) choosing the exporters, one pipeline per reader; the privacy policy still applies (see otel-config/README.md)',
    )
    .action(async (options: { config?: string; dataDir?: string; otelConfig?: string }) => {
      const result = await loadCliConfig(options.config, process.env);
      if (!result.ok) {
        process.stderr.write(formatConfigIssues(result.errors) + '\n');
        setExit(EXIT_INVALID);
        return;
      }
      if (result.warnings.length > 0) process.stderr.write(formatConfigIssues(result.warnings) + '\n');
      let otelConfig: OtelConfig | undefined;
      if (options.otelConfig !== undefined) {
        // Loaded only for --otel-config: the declarative-config parser is the largest module the agent has.
        const { loadOtelConfig } = await import('../../otel-config/load-otel-config.js');
        const otel = await loadOtelConfig(options.otelConfig, process.env);
        if (!otel.ok) {
          process.stderr.write(formatConfigIssues(otel.errors) + '\n');
          setExit(EXIT_INVALID);
          return;
        }
        if (otel.warnings.length > 0) {
          process.stderr.write(formatConfigIssues(otel.warnings, { severity: 'warning' }) + '\n');
        }
        otelConfig = otel.config;
      }
      const agent = new Agent({
        ...(otelConfig ? { otelConfig } : {}),
        config: result.config,
        env: process.env,
        logger: createStderrLogger(),
        ...(options.dataDir ? { dataDirFlag: options.dataDir } : {}),
      });
      const started = agent.start();
      // `prism-telemetry flush` signals SIGUSR2 as soon as the lock is taken, which may be before start-up ends:
      // the handler is in place first (SIGUSR2's default action would end the process), and waits for it.
      process.on('SIGUSR2', () => {
        const requestedAt = new Date().toISOString();
        void started
          .then(() => agent.flushQueues())
          .then(
            (exporters) => ({ exporters }),
            (error: unknown) => ({ exporters: [], error: error instanceof PrismError ? error.code : 'flush_failed' }),
          )
          .then((outcome) =>
            writeFlushResult(agent.info?.dataDir ?? '', {
              pid: process.pid,
              requestedAt,
              finishedAt: new Date().toISOString(),
              ...outcome,
            }),
          )
          .catch((error: unknown) => void reportError(error));
      });
      try {
        await started;
      } catch (error) {
        const code = reportError(error);
        setExit(error instanceof PrismError && error.code === 'PT_ERR_OTEL_CONFIG' ? EXIT_INVALID : code);
        return;
      }
      const info = agent.info!;
      process.stdout.write(
        [
          `prism-telemetry agent running (privacy level ${info.privacyLevel})`,
          `  data:      ${displayPath(info.dataDir)} (from ${info.dataDirSource})`,
          ...info.pipelines.map(
            (p) =>
              `  pipeline:  ${p.id} -> ${p.exporters.join(', ')} every ${p.intervalMillis / 1000}s at ${p.level}` +
              (p.sharing ? ' (sends off this machine only in mode on, with consent)' : ''),
          ),
          `  mode:      ${info.mode.reason.startsWith(`mode ${info.mode.mode}`) ? info.mode.reason : `${info.mode.mode} (${info.mode.reason})`}`,
          info.mode.sharingAllowed
            ? '  sharing:   ON: data is sent to the consented endpoint'
            : '  sharing:   off: nothing leaves this machine',
          info.dashboardUrl
            ? `  dashboard: ${info.dashboardUrl}`
            : `  dashboard: ${result.config.telemetry.dashboard.enabled ? 'not available (see the log above)' : 'off (telemetry.dashboard.enabled: false)'}`,
          '  stop with Ctrl+C (SIGINT) or SIGTERM',
          '',
        ].join('\n'),
      );
      // Every timer in the agent is unref'd so that libraries and tests never hang; this one handle is what
      // keeps `start` running until a signal arrives.
      const keepAlive = setInterval(() => {}, 2 ** 30);
      await new Promise<void>((resolve) => {
        let signals = 0;
        const stop = (signal: NodeJS.Signals): void => {
          signals++;
          if (signals > 1) {
            process.stderr.write(`prism-telemetry: second ${signal}, exiting without flushing\n`);
            process.exit(EXIT_FAILURE);
          }
          agent.shutdown().then(
            () => resolve(),
            (error: unknown) => {
              setExit(reportError(error));
              resolve();
            },
          );
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      clearInterval(keepAlive);
    });
}
