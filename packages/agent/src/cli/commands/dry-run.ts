import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  CollectingReader,
  DEFAULT_POLICY,
  DropCounter,
  PolicyAtLevel,
  PrivacyProcessor,
  SECRET_BYTES,
  buildResource,
  createHmacPseudonymizer,
  createPrivacyViews,
  isPrivacyLevel,
  narrowerLevel,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import { systemClock } from '../../component/clock.js';
import { createMemoryLogger } from '../../component/logger.js';
import type { AgentConfig } from '../../config/types.js';
import { AGENT_SCOPE, isSharingExporter, pipelineLevel, receiverScope } from '../../pipeline/build-pipelines.js';
import { HostMetricsReceiver } from '../../receivers/hostmetrics/host-metrics-receiver.js';
import { parseState, stateFile } from '../../state/telemetry-state.js';
import { destinationOf } from '../../outbound/outbound-log.js';
import { AGENT_VERSION } from '../../version.js';
import { loadCliContext } from '../cli-context.js';
import { EXIT_INVALID } from '../exit-codes.js';
import { reportError } from '../report-error.js';

interface Target {
  endpoint: string;
  level: PrivacyLevel;
  /** Instrumentation scopes the pipeline carries (its receivers' and the agent's), as the agent filters them. */
  scopes: ReadonlySet<string>;
}

/** Where data would go, at which level: the config's sharing exporters, else what `enable` would set up. */
function targetsOf(
  config: AgentConfig,
  consent: { level: PrivacyLevel; endpoint: string } | undefined,
  level?: PrivacyLevel,
): Target[] {
  const narrow = (l: PrivacyLevel): PrivacyLevel =>
    [consent?.level, level].reduce<PrivacyLevel>((a, b) => (b ? narrowerLevel(a, b) : a), l);
  const targets: Target[] = [];
  for (const pipeline of config.pipelines) {
    for (const id of pipeline.exporters) {
      const exporter = config.exporters[id];
      if (exporter?.type === 'otlphttp' && isSharingExporter(config, id)) {
        targets.push({
          endpoint: destinationOf(exporter.endpoint),
          level: narrow(pipelineLevel(config, pipeline)),
          scopes: new Set([AGENT_SCOPE, ...pipeline.receivers.map(receiverScope)]),
        });
      }
    }
  }
  if (targets.length === 0) {
    targets.push({
      endpoint: consent?.endpoint ?? '(no endpoint configured)',
      level: narrow(config.telemetry.privacyLevel),
      scopes: new Set([AGENT_SCOPE, ...Object.keys(config.receivers).map(receiverScope)]),
    });
  }
  return targets;
}

async function existingSecret(dataDir: string): Promise<Buffer | undefined> {
  try {
    const secret = await readFile(path.join(dataDir, 'install-secret'));
    return secret.length === SECRET_BYTES ? secret : undefined;
  } catch {
    return undefined;
  }
}

export function registerDryRun(program: Command, setExit: (code: number) => void): void {
  program
    .command('dry-run')
    .description('print the exact payloads that would be sent at the current level; sends nothing')
    .option('-c, --config <file>', 'pipeline config (YAML); default: the embedded defaults')
    .option('-d, --data-dir <dir>', 'data directory (its install secret and consent are used, nothing is written)')
    .option('--level <level>', 'narrow the level further: minimal | standard | detailed')
    .option('--sample-gap <ms>', 'time between the two host samples (utilization needs two)', '1000')
    .option('--json', 'print { targets: [{ endpoint, level, bytes, payload }] }')
    .action(
      async (options: { config?: string; dataDir?: string; level?: string; sampleGap: string; json?: boolean }) => {
        if (options.level !== undefined && !isPrivacyLevel(options.level)) {
          process.stderr.write(
            `prism-telemetry: --level ${JSON.stringify(options.level)}: use minimal, standard or detailed\n`,
          );
          setExit(EXIT_INVALID);
          return;
        }
        try {
          const { config, dataDir } = await loadCliContext(options);
          // Read without repairing: a dry run writes nothing, not even a damaged state file moved aside.
          const state = parseState(await readFile(stateFile(dataDir), 'utf8').catch(() => ''));
          const targets = targetsOf(config, state?.consent, options.level as PrivacyLevel | undefined);
          const secret = await existingSecret(dataDir);
          if (!secret) process.stderr.write('note: no install secret yet; pseudonyms below use a temporary key\n');
          const context = {
            pseudonymizer: createHmacPseudonymizer({ secret: secret ?? randomBytes(SECRET_BYTES) }),
            drops: new DropCounter(),
          };

          const reader = new CollectingReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
          const provider = new MeterProvider({
            resource: buildResource({
              serviceName: 'prism-telemetry-agent',
              serviceVersion: AGENT_VERSION,
              privacyLevel: config.telemetry.privacyLevel,
            }),
            views: createPrivacyViews(new PolicyAtLevel(DEFAULT_POLICY, config.telemetry.privacyLevel, context)),
            readers: [reader],
          });
          const gap = Math.max(100, Number(options.sampleGap) || 1000);
          for (const [id, receiver] of Object.entries(config.receivers)) {
            // Probes and pollers open connections; a dry run opens none, so only host health is sampled.
            if (receiver.type !== 'hostmetrics') {
              process.stderr.write(`note: receiver ${id} not run: a dry run opens no connection\n`);
              continue;
            }
            const host = new HostMetricsReceiver({
              meter: provider.getMeter(receiverScope(id), AGENT_VERSION),
              metrics: DEFAULT_POLICY.metrics,
              intervalMillis: gap,
              clock: systemClock,
              logger: createMemoryLogger(),
              agentStartMillis: Date.now(),
              rootPath: receiver.rootPath,
            });
            await host.start();
            await new Promise((r) => setTimeout(r, gap + 50));
            await host.idle();
            await host.shutdown();
          }
          const collected = await reader.collectOnce();
          await provider.shutdown();

          const results = targets.map(({ scopes, ...target }) => {
            const own = { ...collected, scopeMetrics: collected.scopeMetrics.filter((s) => scopes.has(s.scope.name)) };
            const payload = new PrivacyProcessor(new PolicyAtLevel(DEFAULT_POLICY, target.level, context)).process(own);
            const body = Buffer.from(JsonMetricsSerializer.serializeRequest(payload) ?? []);
            return { ...target, bytes: body.byteLength, body };
          });
          if (options.json) {
            const out = results.map(({ endpoint, level, bytes, body }) => ({
              endpoint,
              level,
              bytes,
              payload: JSON.parse(body.toString('utf8')) as unknown,
            }));
            process.stdout.write(JSON.stringify({ sent: false, targets: out }, null, 2) + '\n');
          } else {
            for (const r of results) {
              process.stdout.write(
                `# dry run: would POST ${r.bytes} bytes to ${r.endpoint} at level ${r.level}; nothing was sent\n`,
              );
              process.stdout.write(r.body.toString('utf8') + '\n');
            }
          }
        } catch (error) {
          setExit(reportError(error));
        }
      },
    );
}
