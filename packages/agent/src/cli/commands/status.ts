import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CATEGORIES, type Category } from '@prism-telemetry/privacy';
import { readStateForReport } from '../../state/consent.js';
import { effectiveMode } from '../../state/effective-mode.js';
import { lastSend, readOutboundAttempts } from '../../state/outbound-log.js';
import type { ConsentReceipt, EffectiveMode } from '../../state/types.js';
import { displayPath } from '../../store/display-path.js';
import { dataDirError, errorCode } from '../../store/fs-error.js';
import { LOCK_FILE_NAME } from '../../store/layout.js';
import { parseHolder } from '../../store/lock.js';
import { listMetricsFiles } from '../../store/metrics-files.js';
import { processStartTimeTicks } from '../../store/proc-start-time.js';
import { exporterQueueDir } from '../../state/queue-purge.js';
import { readQueueStats, type QueueStats } from '../../exporters/otlphttp/queue-stats.js';
import { destinationOf } from '../../outbound/outbound-log.js';
import { sharingExporterView, type SharingExporterView } from '../../state/sharing-consent.js';
import { loadCliContext, type CliContext } from '../cli-context.js';
import { formatBytes } from '../format-bytes.js';
import {
  CONFIG_OPTION_HELP,
  DATA_DIR_OPTION_HELP,
  describeEffective,
  effectiveJson,
  failCommand,
  type EffectiveModeJson,
} from './mode.js';

const DAY_MILLIS = 86_400_000;

/**
 * `status --json`, one object whose field names are stable:
 *   mode, modeSince (ISO or null: never set), effective {mode, sharingAllowed, reason, forcedBy (env var or null)},
 *   privacyLevel (config), sharingLevel (receipt's level or null), dataDir (home shown as ~), dataDirSource,
 *   dataDirExists, categories [{category, files, bytes, retentionDays}], totalBytes, maxTotalBytes,
 *   consent (the receipt or null), lastSend ({at, destination, bytes, purpose} or null), outboundAttempts (count),
 *   agent {running, pid (of the running agent, else null), startedAt (or null)}, stateMovedAside (or null),
 *   sharing [{exporter, destination, level, levelCap, notSending (reason or null), queue (stats or null)}].
 */
export interface StatusReport {
  mode: string;
  modeSince: string | null;
  effective: EffectiveModeJson;
  privacyLevel: string;
  sharingLevel: string | null;
  dataDir: string;
  dataDirSource: string;
  dataDirExists: boolean;
  categories: Array<{ category: Category; files: number; bytes: number; retentionDays: number }>;
  totalBytes: number;
  maxTotalBytes: number;
  consent: ConsentReceipt | null;
  lastSend: { at: string; destination: string; bytes: number; purpose: string } | null;
  outboundAttempts: number;
  agent: { running: boolean; pid: number | null; startedAt: string | null };
  stateMovedAside: string | null;
  sharing: SharingExporterStatus[];
}

/** One `otlphttp` exporter: where it sends, at which level, and its durable queue. */
export interface SharingExporterStatus extends SharingExporterView {
  /** The queue's stats as the agent last wrote them; null when nothing was ever queued. */
  queue: QueueStats | null;
}

async function sharingStatus(
  ctx: CliContext,
  consent: ConsentReceipt | undefined,
  effective: EffectiveMode,
): Promise<SharingExporterStatus[]> {
  const out: SharingExporterStatus[] = [];
  for (const [id, exporter] of Object.entries(ctx.config.exporters)) {
    if (exporter.type !== 'otlphttp') continue;
    const destination = destinationOf(exporter.endpoint);
    out.push({
      ...sharingExporterView({ id, destination, levelCap: exporter.privacyLevel }, effective, consent),
      queue: (await readQueueStats(exporterQueueDir(ctx.dataDir, id))) ?? null,
    });
  }
  return out;
}

async function categoryUsage(ctx: CliContext): Promise<StatusReport['categories']> {
  const usage = new Map(CATEGORIES.map((c) => [c, { files: 0, bytes: 0 }]));
  for (const file of await listMetricsFiles(ctx.dataDir)) {
    const entry = usage.get(file.dirName as Category);
    if (!entry) continue;
    const stat = await fs.lstat(file.path).catch(() => undefined);
    if (!stat) continue; // removed by retention while we looked
    entry.files++;
    entry.bytes += stat.size;
  }
  return CATEGORIES.map((category) => ({
    category,
    ...usage.get(category)!,
    retentionDays: ctx.config.telemetry.retentionMillis[category] / DAY_MILLIS,
  }));
}

/** The lock holder, if it is alive and is the process that took the lock (pids get reused). */
export async function runningAgent(dataDir: string): Promise<StatusReport['agent']> {
  const none = { running: false, pid: null, startedAt: null };
  const raw = await fs.readFile(path.join(dataDir, LOCK_FILE_NAME), 'utf8').catch(() => undefined);
  const holder = raw === undefined ? undefined : parseHolder(raw);
  if (!holder) return none;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's.
    if (errorCode(error) === 'ESRCH') return none;
  }
  if (holder.startTimeTicks !== null) {
    const ticks = await processStartTimeTicks(holder.pid);
    if (ticks !== undefined && ticks !== holder.startTimeTicks) return none;
  }
  return { running: true, pid: holder.pid, startedAt: holder.startedAt };
}

async function exists(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

export async function collectStatus(ctx: CliContext): Promise<StatusReport> {
  const { state, movedAside } = await readStateForReport(ctx.dataDir);
  const effective = effectiveMode(state, ctx.env);
  const io = (action: string) => (error: unknown) => {
    throw dataDirError(action, ctx.dataDir, error, 'check the permissions of the data directory');
  };
  const categories = await categoryUsage(ctx).catch(io('list metrics files in'));
  const send = await lastSend(ctx.dataDir).catch(io('read outbound.jsonl in'));
  const attempts = await readOutboundAttempts(ctx.dataDir).catch(io('read outbound.jsonl in'));
  return {
    mode: state.mode,
    modeSince: state.modeSince ?? null,
    effective: effectiveJson(effective),
    privacyLevel: ctx.config.telemetry.privacyLevel,
    sharingLevel: state.consent?.level ?? null,
    dataDir: displayPath(ctx.dataDir, ctx.homedir),
    dataDirSource: ctx.dataDirSource,
    dataDirExists: await exists(ctx.dataDir),
    categories,
    totalBytes: categories.reduce((sum, c) => sum + c.bytes, 0),
    maxTotalBytes: ctx.config.telemetry.maxTotalBytes,
    consent: state.consent ?? null,
    lastSend: send ? { at: send.at, destination: send.destination, bytes: send.bytes, purpose: send.purpose } : null,
    outboundAttempts: attempts.length,
    agent: await runningAgent(ctx.dataDir),
    stateMovedAside: movedAside ?? null,
    sharing: await sharingStatus(ctx, state.consent, effective).catch(io('read the outbound queue in')),
  };
}

function formatStatus(r: StatusReport): string {
  const c = r.consent;
  const lines = [
    `mode:          ${r.mode} (${r.modeSince ? `since ${r.modeSince}` : 'the default, never changed'})`,
    `effective:     ${describeEffective(r.effective)}`,
    `privacy level: ${r.privacyLevel} (config)`,
    `sharing level: ${r.sharingLevel ?? 'none (no consent receipt)'}`,
    `data:          ${r.dataDir} (from ${r.dataDirSource})${r.dataDirExists ? '' : ', not created yet'}`,
    ...r.categories.map(
      (u) =>
        `  ${u.category.padEnd(8)} ${String(u.files).padStart(4)} file(s) ${formatBytes(u.bytes).padStart(10)}  kept ${u.retentionDays} days`,
    ),
    `  total    ${formatBytes(r.totalBytes)} of at most ${formatBytes(r.maxTotalBytes)}`,
    c
      ? `consent:       receipt ${c.id}, given ${c.timestamp}, level ${c.level}, categories ${c.categories.join(', ')}`
      : 'consent:       none',
    ...(c ? [`               to ${c.endpoint}, policy ${c.policyUrl} (version ${c.policyVersion})`] : []),
    r.lastSend
      ? `last send:     ${r.lastSend.at}, ${formatBytes(r.lastSend.bytes)} to ${r.lastSend.destination} (${r.lastSend.purpose})`
      : 'last send:     no data has left this machine',
    r.agent.running
      ? `agent:         running (pid ${r.agent.pid}, started ${r.agent.startedAt})`
      : 'agent:         not running',
  ];
  for (const sh of r.sharing) {
    lines.push(
      `sharing:       ${sh.exporter} -> ${sh.destination}, level ${sh.level ?? 'none (no consent)'}` +
        (sh.levelCap ? ` (exporter capped at ${sh.levelCap})` : '') +
        (sh.notSending ? `; not sending: ${sh.notSending}` : ''),
    );
    const q = sh.queue;
    if (!q) {
      lines.push('  queue:       empty, nothing queued yet');
      continue;
    }
    const dropped = Object.entries(q.counts.dropped).filter(([, n]) => n > 0);
    lines.push(
      `  queue:       ${q.depthRecords} batch(es), ${formatBytes(q.depthBytes)}` +
        (q.oldestEnqueuedAt ? `, oldest queued ${q.oldestEnqueuedAt}` : '') +
        (q.diskFull ? ', DISK FULL: new data is being dropped' : ''),
      `  sent:        ${q.counts.sentRecords} batch(es) in ${q.counts.sentBatches} request(s), ${q.counts.sentPoints} points; ` +
        `${q.counts.retries} retries; last success ${q.lastSuccessAt ?? 'never'}`,
      `  dropped:     ${dropped.length === 0 ? 'none' : dropped.map(([reason, n]) => `${n} ${reason}`).join(', ')}` +
        (q.counts.rejectedPoints > 0 ? `; ${q.counts.rejectedPoints} points rejected by the endpoint` : ''),
      ...(q.lastError ? [`  last error:  ${q.lastError.reason} at ${q.lastError.at}`] : []),
    );
  }
  if (r.stateMovedAside) lines.push(`warning:       a damaged state.json was moved aside to ${r.stateMovedAside}`);
  return lines.join('\n') + '\n';
}

export function registerStatus(program: Command, setExit: (code: number) => void): void {
  program
    .command('status')
    .description('show the mode, environment overrides, consent, stored data, last send and whether an agent runs')
    .option('-c, --config <file>', CONFIG_OPTION_HELP)
    .option('-d, --data-dir <dir>', DATA_DIR_OPTION_HELP)
    .option('--json', 'print one JSON object (fields listed below)')
    .addHelpText(
      'after',
      [
        '',
        '--json fields: mode, modeSince, effective {mode, sharingAllowed, reason, forcedBy}, privacyLevel,',
        'sharingLevel, dataDir, dataDirSource, dataDirExists, categories [{category, files, bytes,',
        'retentionDays}], totalBytes, maxTotalBytes, consent (receipt or null), lastSend ({at, destination,',
        'bytes, purpose} or null), outboundAttempts, agent {running, pid, startedAt}, stateMovedAside,',
        'sharing [{exporter, destination, level, levelCap, notSending (reason or null), queue {depthRecords, depthBytes, oldestEnqueuedAt,',
        'lastSuccessAt, lastError {at, reason}, diskFull, counts {sentBatches, sentRecords, sentPoints, retries,',
        'rejectedPoints, possibleDuplicates, dropped {overflow, expired, corrupt, disk_full, write_failed,',
        'rejected, revoked}}} or null}].',
      ].join('\n'),
    )
    .action(async (options: { config?: string; dataDir?: string; json?: boolean }) => {
      try {
        const ctx = await loadCliContext(options);
        const report = await collectStatus(ctx);
        if (options.json) {
          process.stdout.write(JSON.stringify(report, null, 2) + '\n');
          return;
        }
        process.stdout.write(formatStatus(report));
      } catch (error) {
        setExit(failCommand(error));
      }
    });
}
