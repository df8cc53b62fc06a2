import type { Command } from 'commander';
import { seriesKey } from '../../alerts/series-store.js';
import type { AlertEvent } from '../../alerts/rule.js';
import { readAlertEvents } from '../../alerts/store.js';
import { formatValue } from '../../alerts/summary.js';
import { parseDuration } from '../../config/units.js';
import { PrismError } from '../../errors.js';
import { dataDirError } from '../../store/fs-error.js';
import { loadCliContext } from '../cli-context.js';
import { EXIT_FAILURE } from '../exit-codes.js';
import { CONFIG_OPTION_HELP, DATA_DIR_OPTION_HELP, failCommand } from './mode.js';

/** `alerts --json`: `firing` (the latest event of each alert and series, where that is `firing`), `recent`. */
export interface AlertsReport {
  firing: AlertEvent[];
  recent: AlertEvent[];
}

const SEVERITY_ORDER = { critical: 0, warning: 1 } as const;

/** From every recorded event: what is firing now, and what happened since `sinceMillis` (oldest first). */
export function alertsReport(events: readonly AlertEvent[], sinceMillis: number): AlertsReport {
  const latest = new Map<string, AlertEvent>();
  for (const event of events) latest.set(`${event.alert}\u0000${seriesKey(event.series)}`, event);
  const firing = [...latest.values()]
    .filter((e) => e.state === 'firing')
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || Date.parse(a.at) - Date.parse(b.at));
  const recent = events.filter((e) => Date.parse(e.at) >= sinceMillis);
  return { firing, recent };
}

function seriesText(event: AlertEvent): string {
  return Object.entries(event.series)
    .map(([k, v]) => ` ${k}=${String(v)}`)
    .join('');
}

function formatReport(report: AlertsReport, sinceText: string, skippedLines: number): string {
  const lines: string[] = [];
  if (report.firing.length === 0) lines.push('firing: none');
  else {
    lines.push(`firing: ${report.firing.length}`);
    for (const e of report.firing) {
      lines.push(`  ${e.severity.padEnd(8)} ${e.alert} since ${e.at}${seriesText(e)}: ${e.summary}`);
    }
  }
  lines.push(`recent (last ${sinceText}): ${report.recent.length === 0 ? 'none' : `${report.recent.length} event(s)`}`);
  for (const e of report.recent) {
    lines.push(
      `  ${e.at} ${e.state.padEnd(8)} ${e.alert} (${e.severity}) value=${formatValue(e.value)}${seriesText(e)}: ${e.summary}`,
    );
  }
  if (skippedLines > 0)
    lines.push(`note: ${skippedLines} line(s) in the alert files were not alert events and were skipped`);
  return lines.join('\n') + '\n';
}

function parseSince(text: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) {
    throw new PrismError('PT_ERR_USAGE', `--since: ${parsed.message}`, {
      hint: parsed.hint ?? 'write a duration such as 24h, 7d or 30m',
    });
  }
  return parsed.value;
}

export function registerAlerts(program: Command, setExit: (code: number) => void): void {
  program
    .command('alerts')
    .description('list the alerts firing now and the recent alert history (exit 1 while an alert is firing)')
    .option('-c, --config <file>', CONFIG_OPTION_HELP)
    .option('-d, --data-dir <dir>', DATA_DIR_OPTION_HELP)
    .option('--since <duration>', 'how far back the history goes, e.g. 30m, 24h, 7d', '24h')
    .option('--json', 'print { firing: [...], recent: [...] } (events as in <data-dir>/alerts/*.jsonl)')
    .addHelpText(
      'after',
      [
        '',
        'Events are read from <data-dir>/alerts/<YYYY-MM-DD>.jsonl, written by a running agent with an `alerts`',
        'exporter. "firing" is the latest state of each alert and series; while the agent is stopped it is the',
        'state it last recorded. Event fields: at, alert, severity, state (pending|firing|resolved), summary,',
        'series {attributes}, value. Exit codes: 0 nothing firing, 1 an alert is firing (or the files could not',
        'be read), 2 invalid usage. See docs/ALERTS.md.',
      ].join('\n'),
    )
    .action(async (options: { config?: string; dataDir?: string; since: string; json?: boolean }) => {
      try {
        const sinceMillis = Date.now() - parseSince(options.since);
        const ctx = await loadCliContext(options);
        const { events, skippedLines } = await readAlertEvents(ctx.dataDir).catch((error: unknown) => {
          throw dataDirError(
            'read the alert files in',
            ctx.dataDir,
            error,
            'check the permissions of the data directory',
            ctx.homedir,
          );
        });
        const report = alertsReport(events, sinceMillis);
        process.stdout.write(
          options.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report, options.since, skippedLines),
        );
        if (report.firing.length > 0) setExit(EXIT_FAILURE);
      } catch (error) {
        setExit(failCommand(error));
      }
    });
}
