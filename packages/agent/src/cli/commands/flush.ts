import type { Command } from 'commander';
import { systemClock } from '../../component/clock.js';
import { createStderrLogger } from '../../component/logger.js';
import { PrismError } from '../../errors.js';
import type { FlushReport } from '../../exporters/otlphttp/send-loop.js';
import { flushQueuesWithoutAgent, readFlushResult } from '../../outbound/flush-queues.js';
import { loadCliContext } from '../cli-context.js';
import { EXIT_FAILURE } from '../exit-codes.js';
import { CONFIG_OPTION_HELP, DATA_DIR_OPTION_HELP, failCommand } from './mode.js';
import { runningAgent } from './status.js';

interface FlushOptions {
  config?: string;
  dataDir?: string;
  json?: boolean;
  timeout: string;
}

function describe(id: string, r: FlushReport, blockedBy?: string): string {
  const dropped = Object.entries(r.dropped).filter(([, n]) => n > 0);
  const why = {
    empty: 'queue empty',
    gate: `not sent: ${blockedBy ?? 'no consent to send (see `prism-telemetry status`)'}`,
    retries_exhausted: 'endpoint unavailable; the rest stays queued',
    shutdown: 'stopped',
  }[r.stoppedBy];
  return (
    `${id}: sent ${r.sentRecords} batch(es) in ${r.sentBatches} request(s) (${r.sentPoints} points), ` +
    `${r.retries} retries, ${r.remainingRecords} still queued; ${why}` +
    (dropped.length > 0 ? `; dropped ${dropped.map(([k, n]) => `${n} ${k}`).join(', ')}` : '')
  );
}

export function registerFlush(program: Command, setExit: (code: number) => void): void {
  program
    .command('flush')
    .description('send what the sharing queues hold now (only with consent), and say what happened')
    .option('-c, --config <file>', CONFIG_OPTION_HELP)
    .option('-d, --data-dir <dir>', DATA_DIR_OPTION_HELP)
    .option('--timeout <seconds>', 'how long to wait for a running agent to finish sending', '120')
    .option('--json', 'print {exporters: [{id, report: {sentBatches, sentRecords, sentPoints, retries, ...}}]}')
    .addHelpText(
      'after',
      [
        '',
        'With an agent running on the data directory, asks it (SIGUSR2) to collect and send now, and waits for its',
        'answer. With none, opens the queues itself and sends them under the same consent rules. Exit 0 when the',
        'queues are empty afterwards, 1 when something stays queued (endpoint down, no consent) or on a failure.',
      ].join('\n'),
    )
    .action(async (options: FlushOptions) => {
      try {
        const timeoutSeconds = Number(options.timeout);
        if (!(timeoutSeconds > 0)) {
          throw new PrismError('PT_ERR_USAGE', `--timeout must be a number of seconds above 0`, {
            hint: 'e.g. --timeout 30',
          });
        }
        const ctx = await loadCliContext(options);
        const agent = await runningAgent(ctx.dataDir);
        let exporters: Array<{ id: string; report: FlushReport; blockedBy?: string }>;
        if (agent.running && agent.pid !== null) {
          const requestedAt = Date.now();
          process.kill(agent.pid, 'SIGUSR2');
          const deadline = requestedAt + timeoutSeconds * 1000;
          for (;;) {
            const result = await readFlushResult(ctx.dataDir);
            // Only this agent's answer to this request: an older flush.json, or one another agent left, is not it.
            if (result && result.pid === agent.pid && Date.parse(result.requestedAt) >= requestedAt) {
              if (result.error) {
                throw new PrismError(
                  'PT_ERR_FLUSH',
                  `the agent (pid ${agent.pid}) could not send now (${result.error})`,
                  {
                    hint: 'try again in a moment; `prism-telemetry status` shows the queue',
                  },
                );
              }
              exporters = result.exporters;
              break;
            }
            if (Date.now() > deadline) {
              throw new PrismError(
                'PT_ERR_NOT_RUNNING',
                `the agent (pid ${agent.pid}) did not finish sending within ${timeoutSeconds} s`,
                {
                  hint: 'it goes on in the background; see `prism-telemetry status` for the queue, or pass a longer --timeout',
                },
              );
            }
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        } else {
          exporters = await flushQueuesWithoutAgent({
            config: ctx.config,
            dataDir: ctx.dataDir,
            homedir: ctx.homedir,
            env: ctx.env,
            clock: systemClock,
            logger: createStderrLogger(),
          });
        }
        if (options.json) process.stdout.write(JSON.stringify({ exporters }, null, 2) + '\n');
        else if (exporters.length === 0) process.stdout.write('no sharing exporter is configured: nothing to send\n');
        else for (const e of exporters) process.stdout.write(describe(e.id, e.report, e.blockedBy) + '\n');
        if (exporters.some((e) => e.report.remainingRecords > 0)) setExit(EXIT_FAILURE);
      } catch (error) {
        setExit(failCommand(error));
      }
    });
}
