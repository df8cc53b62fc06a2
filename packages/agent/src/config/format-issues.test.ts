import { describe, expect, it } from 'vitest';
import { formatConfigIssues } from './format-issues.js';

describe('formatConfigIssues', () => {
  it('writes file:line:column: path: message, then an indented hint', () => {
    expect(
      formatConfigIssues([
        {
          path: 'telemetry.retention.helth',
          line: 7,
          column: 5,
          message: 'unknown key; did you mean "health"?',
          source: 'pipelines/local.yaml',
        },
        {
          path: 'service.pipelines.metrics/share.exporters[0]',
          line: 40,
          column: 19,
          message: 'exporter "otlphttp" sends data off this machine, but sharing is not enabled',
          hint: 'set telemetry.sharing.enabled: true',
          source: 'pipelines/local.yaml',
          code: 'PT_ERR_SHARING_NOT_ENABLED',
        },
      ]),
    ).toBe(
      [
        'pipelines/local.yaml:7:5: telemetry.retention.helth: unknown key; did you mean "health"?',
        'pipelines/local.yaml:40:19: service.pipelines.metrics/share.exporters[0]: exporter "otlphttp" sends data off this machine, but sharing is not enabled [PT_ERR_SHARING_NOT_ENABLED]',
        '  hint: set telemetry.sharing.enabled: true',
      ].join('\n'),
    );
  });

  it('leaves out what an issue does not have, and can mark warnings', () => {
    expect(
      formatConfigIssues([
        {
          path: '',
          message: 'no such file',
          hint: 'check the path',
          source: 'missing.yaml',
          code: 'PT_ERR_CONFIG_READ',
        },
      ]),
    ).toBe('missing.yaml: no such file [PT_ERR_CONFIG_READ]\n  hint: check the path');
    expect(
      formatConfigIssues([{ path: 'exporters.file/x', line: 3, column: 3, message: 'is not used', source: 'a.yaml' }], {
        severity: 'warning',
      }),
    ).toBe('a.yaml:3:3: warning: exporters.file/x: is not used');
    expect(formatConfigIssues([])).toBe('');
  });
});
