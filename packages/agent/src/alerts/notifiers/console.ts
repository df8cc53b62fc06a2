import { formatValue } from '../summary.js';
import type { AlertEvent } from '../rule.js';

/** The one line an event prints on the agent's stderr. */
export function consoleLine(event: AlertEvent): string {
  const series = Object.entries(event.series)
    .map(([k, v]) => ` ${k}=${String(v)}`)
    .join('');
  return `${event.at} alert ${event.state} ${event.alert} severity=${event.severity} value=${formatValue(event.value)}${series}: ${event.summary}`.replace(
    /[\r\n]+/g,
    ' ',
  );
}
