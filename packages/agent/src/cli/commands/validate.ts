import type { Command } from 'commander';
import { formatConfigIssues } from '../../config/format-issues.js';
import { EXIT_INVALID, EXIT_OK } from '../exit-codes.js';
import { loadCliConfig } from '../load-config.js';

export function registerValidate(program: Command, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check a pipeline config file without running it (exit 0 valid, 2 invalid)')
    .option('-c, --config <file>', 'pipeline config (YAML); default: the embedded defaults')
    .option('--json', 'print the result as JSON')
    .action(async (options: { config?: string; json?: boolean }) => {
      const result = await loadCliConfig(options.config, process.env);
      const source = options.config ?? '(embedded defaults)';
      if (options.json) {
        const body = result.ok
          ? { valid: true, source, errors: [], warnings: result.warnings, pipelines: result.config.pipelines }
          : { valid: false, source, errors: result.errors, warnings: [] };
        process.stdout.write(JSON.stringify(body, null, 2) + '\n');
      } else if (result.ok) {
        if (result.warnings.length > 0) process.stderr.write(formatConfigIssues(result.warnings) + '\n');
        const pipelines = result.config.pipelines.map((p) => p.id).join(', ');
        process.stdout.write(`${source}: valid (${result.config.pipelines.length} pipeline(s): ${pipelines})\n`);
      } else {
        process.stderr.write(formatConfigIssues(result.errors) + '\n');
        process.stderr.write(`${source}: ${result.errors.length} error(s)\n`);
      }
      setExit(result.ok ? EXIT_OK : EXIT_INVALID);
    });
}
