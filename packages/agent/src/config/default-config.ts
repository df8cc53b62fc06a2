import type { Env } from './env-substitution.js';
import { parseConfigText } from './load-config.js';
import type { ConfigResult } from './types.js';

/** The name issues in the embedded defaults are reported under. */
export const DEFAULT_CONFIG_SOURCE = '(embedded defaults)';

/**
 * The configuration used when no --config is given. Byte-identical to pipelines/local.yaml (a test checks),
 * so what users read in the repository is what runs.
 */
export const DEFAULT_CONFIG_YAML = `# Prism Telemetry: the default, local-only configuration.
#
# Every 10 seconds the agent reads host health from /proc and writes it, after the privacy policy has been
# applied, as OTLP-JSON lines under <data_dir>/metrics/<category>/<date>.jsonl. Nothing leaves this machine.
# The agent uses exactly this file when it is started without --config.
#
# Durations: 500ms, 10s, 5m, 1h, 30d (or 1h30m). Sizes: 512B, 500MiB, 1GiB (or KB/MB/GB, powers of 1000).
# \${NAME} and \${NAME:-default} are replaced from the environment; write $$ for a literal $.
# Unknown keys are errors, so a misspelt setting is never silently ignored.

telemetry:
  # What is collected: minimal | standard | detailed. Each level includes everything the narrower ones do.
  privacy_level: standard
  # Where data is kept: --data-dir, else data_dir here (an absolute path), else $PRISM_TELEMETRY_DIR,
  # else $XDG_STATE_HOME/prism-telemetry, else ~/.local/state/prism-telemetry.
  # data_dir: /var/lib/prism-telemetry
  # How long each category of data is kept.
  retention:
    health: 30d
    level: 90d
    errors: 7d
  # Oldest files are removed first when the data directory grows beyond this.
  max_total_size: 1GiB
  sharing:
    # Must be true for any exporter that sends data off this machine. This file has none.
    enabled: false
  # The local dashboard, /metrics (Prometheus) and /healthz. Loopback only unless you write another address;
  # \`prism-telemetry dashboard\` prints the URL (with its per-launch token) of the running agent.
  dashboard:
    enabled: true
    endpoint: 127.0.0.1:8080

receivers:
  hostmetrics:
    collection_interval: 10s
    # procfs is read at <root_path>/proc; in a container, mount the host's / and point this at it.
    root_path: /

processors:
  # The privacy policy applies to every pipeline, listed or not. List \`privacy\` with a \`level\` to narrow
  # (never widen) telemetry.privacy_level for one pipeline.
  privacy: {}

exporters:
  # OTLP-JSON lines in the data directory.
  file: {}
  # Local alerts with the built-in rules (CPU, memory, disk, services, errors, level, crash restart):
  # written to <data_dir>/alerts/<date>.jsonl and printed to the console. Alerts never leave this machine.
  alerts: {}

service:
  pipelines:
    metrics/local:
      receivers: [hostmetrics]
      processors: [privacy]
      exporters: [file, alerts]
`;

export function defaultConfig(env: Env): ConfigResult {
  return parseConfigText(DEFAULT_CONFIG_YAML, DEFAULT_CONFIG_SOURCE, env);
}
