import { describe, expect, it } from 'vitest';
import type { PathIssue } from '../config/config-path.js';
import { knownExporterKey, type KnownExporterKeys } from './known-keys.js';

const AT = ['meter_provider', 'readers', 0, 'periodic', 'exporter'];
const KEYS: KnownExporterKeys = {
  known: ['otlp_http', 'console'],
  kind: 'exporter',
  refused: { otlp_grpc: 'OTLP over gRPC is not supported; use otlp_http (port 4318) instead' },
  countHint: 'write one of otlp_http or console',
  unknownHint: 'a periodic reader has otlp_http or console',
};

function check(exporter: object): { name: string | undefined; errors: PathIssue[] } {
  const errors: PathIssue[] = [];
  return { name: knownExporterKey(exporter, AT, KEYS, errors), errors };
}

describe('knownExporterKey', () => {
  it('returns the one exporter named when it is a known one', () => {
    expect(check({ console: null })).toEqual({ name: 'console', errors: [] });
  });

  it('refuses a mapping with no exporter or several, pointing at the mapping', () => {
    expect(check({})).toEqual({
      name: undefined,
      errors: [{ path: AT, at: 'key', message: 'names no exporter', hint: 'write one of otlp_http or console' }],
    });
    expect(check({ console: {}, otlp_http: {} }).errors).toEqual([
      {
        path: AT,
        at: 'key',
        message: 'names 2 exporters; a reader has exactly one',
        hint: 'write one of otlp_http or console',
      },
    ]);
  });

  it('names an unknown key with the closest known one, and suggests none when nothing is close', () => {
    expect(check({ consol: {} })).toEqual({
      name: undefined,
      errors: [
        {
          path: [...AT, 'consol'],
          at: 'key',
          message: 'unknown exporter "consol"; did you mean "console"?',
          hint: 'a periodic reader has otlp_http or console',
        },
      ],
    });
    expect(check({ kafka: {} }).errors.map((e) => e.message)).toEqual(['unknown exporter "kafka"']);
  });

  it('calls an unknown key by the kind of exporter the reader takes', () => {
    const errors: PathIssue[] = [];
    const pull = { ...KEYS, known: ['prometheus/development'], kind: 'pull exporter' };
    knownExporterKey({ 'prometheus/develpment': {} }, AT, pull, errors);
    expect(errors.map((e) => e.message)).toEqual([
      'unknown pull exporter "prometheus/develpment"; did you mean "prometheus/development"?',
    ]);
  });

  it('says why a refused key is refused instead of calling it unknown', () => {
    expect(check({ otlp_grpc: {} }).errors).toEqual([
      {
        path: [...AT, 'otlp_grpc'],
        at: 'key',
        message: 'OTLP over gRPC is not supported; use otlp_http (port 4318) instead',
        hint: 'a periodic reader has otlp_http or console',
      },
    ]);
  });

  it('calls a key named like an Object.prototype member unknown, never quoting a function', () => {
    expect(check({ toString: {} }).errors.map((e) => e.message)).toEqual(['unknown exporter "toString"']);
    expect(check({ constructor: {} }).errors.map((e) => e.message)).toEqual(['unknown exporter "constructor"']);
  });
});
