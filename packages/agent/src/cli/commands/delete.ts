import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadOrCreateInstallSecret } from '@prism-telemetry/privacy';
import type { AgentConfig } from '../../config/types.js';
import { deleteAllData, KEPT_RECORDS, type DeleteAllResult } from '../../delete/delete-all-data.js';
import { PrismError } from '../../errors.js';
import { clusterIdFor } from '../../outbound/cluster-id.js';
import { recordOutboundAttempt } from '../../outbound/outbound-log.js';
import { requestRemoteDeletion, type RemoteDeleteResult } from '../../outbound/remote-delete.js';
import { effectiveMode } from '../../state/effective-mode.js';
import { readState } from '../../state/telemetry-state.js';
import { displayPath } from '../../store/display-path.js';
import { errorCode } from '../../store/fs-error.js';
import { loadCliContext } from '../cli-context.js';
import { EXIT_FAILURE, EXIT_INVALID, EXIT_OK } from '../exit-codes.js';
import { formatBytes } from '../format-bytes.js';
import { reportError } from '../report-error.js';

interface DeleteOptions {
  all?: boolean;
  yes?: boolean;
  remote?: boolean;
  json?: boolean;
  dataDir?: string;
  config?: string;
}

export function registerDelete(program: Command, setExit: (code: number) => void): void {
  program
    .command('delete')
    .description('delete all stored and pending telemetry data and rotate the pseudonym secret')
    .option('--all', 'delete everything in metrics/, queue/ and alerts/ (required: there is no partial delete)')
    .option('-y, --yes', 'do not ask for confirmation (needed when not on a terminal)')
    .option('--remote', 'also ask the sharing endpoint to delete what it holds for this install')
    .option('-d, --data-dir <dir>', 'data directory; default: resolved as `start` resolves it')
    .option('-c, --config <file>', 'pipeline config (YAML); its otlphttp endpoint is used when there is no consent')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Kept: state.json (your mode), consent-history.jsonl and outbound.jsonl: your record of the choices',
        'you made and of what left this machine. A running agent picks the deletion up within 2 s.',
        '--remote sends DELETE <endpoint origin>/v1/data/<cluster id> and records it in outbound.jsonl.',
      ].join('\n'),
    )
    .action(async (options: DeleteOptions) => {
      setExit(await runDelete(options));
    });
}

function usage(
  code: 'PT_ERR_USAGE' | 'PT_ERR_CONFIRMATION_REQUIRED' | 'PT_ERR_REMOTE_DELETE',
  message: string,
  hint: string,
): number {
  reportError(new PrismError(code, message, { hint }));
  return EXIT_INVALID;
}

function firstOtlpEndpoint(config: AgentConfig): string | undefined {
  for (const exporter of Object.values(config.exporters)) if (exporter.type === 'otlphttp') return exporter.endpoint;
  return undefined;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function runDelete(options: DeleteOptions): Promise<number> {
  if (!options.all) {
    return usage('PT_ERR_USAGE', 'delete needs --all', 'run `prism-telemetry delete --all` (see --help)');
  }
  try {
    const context = await loadCliContext(options);
    const { dataDir } = context;
    const shown = displayPath(dataDir, context.homedir);
    if (
      !(await access(dataDir).then(
        () => true,
        () => false,
      ))
    ) {
      process.stdout.write(
        options.json
          ? JSON.stringify({ dataDir: shown, deleted: null }) + '\n'
          : `nothing to delete: there is no data directory at ${shown}\n`,
      );
      return EXIT_OK;
    }
    const { state } = await readState(dataDir);
    const endpoint = options.remote ? (state.consent?.endpoint ?? firstOtlpEndpoint(context.config)) : undefined;
    if (options.remote && endpoint === undefined) {
      return usage(
        'PT_ERR_REMOTE_DELETE',
        'delete --remote: there is no endpoint to ask: no consent receipt in state.json and no otlphttp exporter in the config',
        'pass --config with the sharing pipeline you used, or run `delete --all` without --remote',
      );
    }
    if (!options.yes) {
      if (!process.stdin.isTTY) {
        return usage(
          'PT_ERR_CONFIRMATION_REQUIRED',
          `delete --all: refusing to delete ${shown} without confirmation (not on a terminal)`,
          'pass --yes to confirm',
        );
      }
      if (!(await confirm(`Delete all telemetry data in ${shown}? [y/N] `))) {
        process.stderr.write('nothing deleted\n');
        return EXIT_FAILURE;
      }
    }
    // The cluster id derives from the secret that is about to be rotated: take it first.
    const clusterId = endpoint ? clusterIdFor((await loadOrCreateInstallSecret({ dir: dataDir })).secret) : undefined;
    const mode = effectiveMode(state, context.env).mode;
    const deleted = await deleteAllData(dataDir);
    let remote: (RemoteDeleteResult & { clusterId: string }) | undefined;
    if (endpoint && clusterId) {
      const at = new Date().toISOString();
      remote = { ...(await requestRemoteDeletion({ endpoint, clusterId })), clusterId };
      await recordOutboundAttempt(dataDir, {
        at,
        destination: remote.destination,
        bytes: 0,
        mode,
        result: remote.result,
        purpose: 'delete',
      });
    }
    print(options, shown, deleted, remote);
    if (remote && !remote.ok) {
      reportError(
        new PrismError(
          'PT_ERR_REMOTE_DELETE',
          `the endpoint ${remote.destination} did not confirm the deletion: ${remote.answer}`,
          {
            hint: `local data was deleted; try again later with \`delete --all --remote\`, or ask the operator to delete cluster ${remote.clusterId}`,
          },
        ),
      );
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof PrismError) {
      reportError(error);
      return error.code === 'PT_ERR_CONFIG_INVALID' ? EXIT_INVALID : EXIT_FAILURE;
    }
    return reportError(
      new PrismError('PT_ERR_DATA_DIR', `delete --all failed part way: ${errorCode(error)}`, {
        hint: 'check the permissions of the data directory and run `delete --all` again; it is safe to repeat',
      }),
    );
  }
}

function print(
  options: DeleteOptions,
  shown: string,
  deleted: DeleteAllResult,
  remote: RemoteDeleteResult | undefined,
): void {
  if (options.json) {
    const body = {
      dataDir: shown,
      deleted: {
        metrics: deleted.metrics,
        queue: deleted.queue,
        alerts: deleted.alerts,
        oldSecrets: deleted.oldSecrets,
      },
      secretRotated: true,
      dataGeneration: deleted.dataGeneration,
      kept: KEPT_RECORDS.map((k) => k.file),
      remote: remote ?? null,
    };
    process.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  const line = (r: { files: number; bytes: number }): string => `${r.files} file(s), ${formatBytes(r.bytes)}`;
  const out = [
    `deleted all telemetry data in ${shown}:`,
    `  metrics/  ${line(deleted.metrics)}`,
    `  queue/    ${line(deleted.queue)}`,
    `  alerts/   ${line(deleted.alerts)}`,
    '  install secret rotated: pseudonyms made before cannot be linked to new ones',
    `  a running agent picks this up within 2 s (data generation ${deleted.dataGeneration})`,
    'kept, as your own record:',
    ...KEPT_RECORDS.map((k) => `  ${k.file}: ${k.why}`),
  ];
  if (remote) out.push(`remote: DELETE ${remote.destination}: ${remote.answer}`);
  process.stdout.write(out.join('\n') + '\n');
}
