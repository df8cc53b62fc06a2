#!/usr/bin/env bash
# Turns Prism Telemetry sharing on or off, or shows where it stands, through the real CLI.
#   scripts/toggle-telemetry.sh enable [--yes] [--endpoint URL] [--level L] [--data-dir DIR] ...
#   scripts/toggle-telemetry.sh disable [--data-dir DIR] [--json]
#   scripts/toggle-telemetry.sh status [--data-dir DIR] [--json]
# Extra arguments go to the command unchanged. `enable` never adds --yes by itself: consent is the user's
# to give, so without a terminal it needs the caller's own --yes.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: toggle-telemetry.sh enable|disable|status [extra args for prism-telemetry]

  enable    show what would be shared, ask for consent, turn sharing on (pass --yes to skip the prompt)
  disable   mode off, revoke consent, empty the outbound queue
  status    mode, overrides, consent, stored data, last send (add --json for a script)
USAGE
  exit "${1:-2}"
}

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd -- "$script_dir/.." && pwd)"
cli="$repo/packages/agent/bin/prism-telemetry.js"

if [[ $# -lt 1 ]]; then
  usage 2
fi
command="$1"
shift
case "$command" in
  enable | disable | status) ;;
  -h | --help | help) usage 0 ;;
  *)
    echo "toggle-telemetry.sh: unknown command '$command'" >&2
    usage 2
    ;;
esac

if [[ ! -f "$repo/packages/agent/dist/cli/main.js" ]]; then
  echo "toggle-telemetry.sh: the CLI is not built (packages/agent/dist is missing); run \`npm ci\` in the repository" >&2
  exit 1
fi
exec node "$cli" "$command" "$@"
