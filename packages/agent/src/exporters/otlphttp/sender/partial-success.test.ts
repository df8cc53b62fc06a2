import { describe, expect, it } from 'vitest';
import { exportResponseBody } from '../../../receivers/otlp/otlp-response.js';
import { rejectedDataPointsOf } from './partial-success.js';

describe('rejectedDataPointsOf', () => {
  const partial = { rejectedDataPoints: 7, errorMessage: '7 of 9 data points rejected' };

  it('reads a protobuf ExportMetricsServiceResponse', () => {
    const body = exportResponseBody('protobuf', partial);
    expect(rejectedDataPointsOf(body, 'application/x-protobuf', 'protobuf')).toBe(7);
    expect(rejectedDataPointsOf(exportResponseBody('protobuf', undefined), 'application/x-protobuf', 'protobuf')).toBe(
      0,
    );
  });

  it('reads an OTLP/JSON response, camelCase or proto names, string or number', () => {
    const body = exportResponseBody('json', partial);
    expect(rejectedDataPointsOf(body, 'application/json; charset=utf-8', 'protobuf')).toBe(7);
    const snake = Buffer.from('{"partial_success":{"rejected_data_points":3}}');
    expect(rejectedDataPointsOf(snake, 'application/json', 'json')).toBe(3);
  });

  it('falls back to the request encoding when the answer has no known content type', () => {
    expect(rejectedDataPointsOf(exportResponseBody('json', partial), undefined, 'json')).toBe(7);
    expect(rejectedDataPointsOf(exportResponseBody('protobuf', partial), 'text/plain', 'protobuf')).toBe(7);
  });

  it('counts 0 for what it cannot read', () => {
    const cases: Array<[string, string]> = [
      ['', 'application/json'],
      ['not json', 'application/json'],
      ['{"partialSuccess":{"rejectedDataPoints":"-3"}}', 'application/json'],
      ['{"partialSuccess":{"rejectedDataPoints":1.5}}', 'application/json'],
      ['{"partialSuccess":{"rejectedDataPoints":"99999999999999999999"}}', 'application/json'],
      ['[1,2]', 'application/json'],
      ['\u00ff\u00ff\u00ff\u00ff', 'application/x-protobuf'],
    ];
    for (const [text, type] of cases)
      expect(rejectedDataPointsOf(Buffer.from(text, 'latin1'), type, 'json'), text).toBe(0);
  });
});
