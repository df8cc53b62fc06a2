import type { Command } from 'commander';
import { PrismError } from '../../errors.js';
import { readDashboardFile } from '../../server/dashboard-file.js';
import { displayPath } from '../../store/display-path.js';
import { loadCliContext } from '../cli-context.js';
import { CONFIG_OPTION_HELP, DATA_DIR_OPTION_HELP, failCommand } from './mode.js';
import { runningAgent } from './status.js';

export function registerDashboard(program: Command, setExit: (code: number) => void): void {
  program
    .command('dashboard')
    .description('print the URL of the running agent’s local dashboard (with this launch’s access token)')
    .option('-c, --config <file>', CONFIG_OPTION_HELP)
    .option('-d, --data-dir <dir>', DATA_DIR_OPTION_HELP)
    .option('--json', 'print {url, pid, startedAt}')
    .addHelpText(
      'after',
      [
        '',
        'The URL (http://127.0.0.1:PORT/#token=...) holds a token made when the agent started, after the #: the',
        'browser never sends that part to any server. The page keeps the token for its tab and sends it with each',
        'API call (Authorization: Bearer); no cookie is used. Anyone with the URL can use the dashboard while this',
        'agent runs, so do not share it. Exit 1 when no agent runs on the data directory, or it runs without a',
        'dashboard (telemetry.dashboard.enabled: false, or its port was taken).',
      ].join('\n'),
    )
    .action(async (options: { config?: string; dataDir?: string; json?: boolean }) => {
      try {
        const ctx = await loadCliContext(options);
        const shown = displayPath(ctx.dataDir, ctx.homedir);
        const agent = await runningAgent(ctx.dataDir);
        if (!agent.running) {
          throw new PrismError('PT_ERR_NOT_RUNNING', `no agent is running on ${shown}, so there is no dashboard`, {
            hint: 'start one with `prism-telemetry start` (with the same --data-dir), then run this again',
          });
        }
        const file = await readDashboardFile(ctx.dataDir);
        // A file left by an agent killed with -9 names another pid: it is not this agent's dashboard.
        if (!file || file.pid !== agent.pid) {
          throw new PrismError(
            'PT_ERR_NOT_RUNNING',
            `the agent running on ${shown} (pid ${agent.pid}) has no dashboard`,
            {
              hint: 'it is off (telemetry.dashboard.enabled: false) or its port was taken: see the agent log for PT_ERR_DASHBOARD_LISTEN',
            },
          );
        }
        process.stdout.write(options.json ? JSON.stringify(file, null, 2) + '\n' : `${file.url}\n`);
      } catch (error) {
        setExit(failCommand(error));
      }
    });
}
